"""Demo data of the one-stop services: topics, life events and real-looking service guides.

Idempotent (upserts by code). ``POLICY_PAYMENT_SERVICE_CODE`` is the firm service that subsidy
policies file into ("apply once").
"""

from typing import NotRequired, TypedDict

from portal.departments.models import Department
from portal.services.constants import ThemeKind
from portal.services.services import service_item_upsert, theme_upsert

POLICY_PAYMENT_SERVICE_CODE = "jxj-hqzcdx"

THEMES = [
    # code, kind, name, English name
    ("social-security", ThemeKind.TOPIC, "社会保障", "Social security"),
    ("market-entities", ThemeKind.TOPIC, "市场主体", "Businesses"),
    ("tax", ThemeKind.TOPIC, "税费服务", "Tax"),
    ("household", ThemeKind.TOPIC, "户籍证件", "Residence and identity"),
    ("health", ThemeKind.TOPIC, "医疗卫生", "Health"),
    ("civil-affairs", ThemeKind.TOPIC, "民政服务", "Civil affairs"),
    ("innovation", ThemeKind.TOPIC, "科技创新", "Science and innovation"),
    ("business-support", ThemeKind.TOPIC, "惠企政策", "Business support"),
    ("having-a-baby", ThemeKind.LIFE_EVENT, "生育", "Having a baby"),
    ("starting-a-business", ThemeKind.LIFE_EVENT, "开办企业", "Starting a business"),
    ("getting-married", ThemeKind.LIFE_EVENT, "结婚", "Getting married"),
    ("finding-a-job", ThemeKind.LIFE_EVENT, "就业失业", "Work and unemployment"),
    ("moving-house", ThemeKind.LIFE_EVENT, "迁居落户", "Moving house"),
    ("retiring", ThemeKind.LIFE_EVENT, "退休", "Retiring"),
    ("growing-a-business", ThemeKind.LIFE_EVENT, "企业发展", "Growing a business"),
]


def _field(
    name: str, type_: str, label: str, label_en: str, required: bool = True, **extra: object
) -> dict[str, object]:
    return {
        "name": name,
        "type": type_,
        "label": label,
        "label_en": label_en,
        "required": required,
        **extra,
    }


PERSON_STEP: dict[str, object] = {
    "title": "申请人信息",
    "title_en": "Applicant",
    "fields": [
        _field("applicant_name", "text", "姓名", "Name", prefill="applicant.real_name"),
        _field(
            "applicant_id_number",
            "id_number",
            "身份证号码",
            "Identity number",
            prefill="applicant.id_number",
        ),
        _field("phone", "phone", "手机号码", "Mobile phone", prefill="applicant.phone"),
        _field("email", "email", "电子邮箱", "E-mail", False, prefill="applicant.email"),
    ],
}

FIRM_STEP: dict[str, object] = {
    "title": "企业信息",
    "title_en": "Firm",
    "fields": [
        _field("firm_name", "text", "企业名称", "Firm name", prefill="firm.name"),
        _field(
            "uscc", "text", "统一社会信用代码", "Unified social credit code", prefill="firm.uscc"
        ),
        _field(
            "contact_name",
            "text",
            "联系人",
            "Contact person",
            prefill="applicant.real_name",
            editable=True,
        ),
        _field("contact_phone", "phone", "联系电话", "Contact phone", prefill="applicant.phone"),
    ],
}

DECLARATION_STEP: dict[str, object] = {
    "title": "承诺",
    "title_en": "Declaration",
    "fields": [
        _field(
            "declaration",
            "boolean",
            "本人承诺所填信息真实有效，如有虚假愿承担法律责任",
            "I declare the information is true and accept legal responsibility if it is not",
        )
    ],
}


def _material(
    code: str, name: str, name_en: str, required: bool = True, dataset: str = "", **extra: object
) -> dict[str, object]:
    return {
        "code": code,
        "name": name,
        "name_en": name_en,
        "required": required,
        "exchange_dataset": dataset,
        **extra,
    }


BUSINESS_LICENCE = _material(
    "business_licence", "营业执照", "Business licence", dataset="scjg.business_registration"
)
STANDARD_STEPS: list[dict[str, object]] = [
    {"name": "申请", "name_en": "Apply"},
    {"name": "受理", "name_en": "Acceptance"},
    {"name": "审查", "name_en": "Review"},
    {"name": "决定", "name_en": "Decision"},
    {"name": "送达", "name_en": "Delivery"},
]


class DemoService(TypedDict):
    dept: str
    code: str
    name: str
    name_en: str
    themes: list[str]
    citizens: bool
    firms: bool
    days: tuple[int, int]  # legal and promised time limits, in working days
    keywords: str
    fields: list[dict[str, object]]
    materials: list[dict[str, object]]
    references: NotRequired[list[str]]
    basis: str


SERVICES: list[DemoService] = [
    {
        "dept": "scjg",
        "code": "scjg-qysldj",
        "name": "企业设立登记",
        "name_en": "Company establishment registration",
        "themes": ["market-entities", "starting-a-business"],
        "citizens": True,
        "firms": False,
        "days": (15, 1),
        "keywords": "开公司 注册公司 营业执照 start company register business",
        "fields": [
            _field("company_name", "text", "拟设立企业名称", "Proposed company name"),
            _field(
                "company_type",
                "choice",
                "企业类型",
                "Company type",
                choices=[
                    {"value": "llc", "label": "有限责任公司", "label_en": "Limited company"},
                    {"value": "sole", "label": "个人独资企业", "label_en": "Sole proprietorship"},
                    {"value": "partnership", "label": "合伙企业", "label_en": "Partnership"},
                ],
            ),
            _field("registered_capital", "decimal", "注册资本（万元）", "Capital (10k CNY)", min=0),
            _field("address", "text", "住所", "Registered address"),
            _field("business_scope", "textarea", "经营范围", "Business scope"),
        ],
        "materials": [
            _material("articles", "公司章程", "Articles of association"),
            _material("premises", "住所使用证明", "Proof of premises"),
        ],
        "basis": "《中华人民共和国市场主体登记管理条例》第十九条",
    },
    {
        "dept": "scjg",
        "code": "scjg-qybgdj",
        "name": "企业变更登记",
        "name_en": "Change of company registration",
        "themes": ["market-entities", "growing-a-business"],
        "citizens": False,
        "firms": True,
        "days": (15, 3),
        "keywords": "变更 法定代表人 地址变更 change registration",
        "fields": [
            _field(
                "change_item",
                "choice",
                "变更事项",
                "What changes",
                choices=[
                    {"value": "address", "label": "住所", "label_en": "Address"},
                    {"value": "scope", "label": "经营范围", "label_en": "Business scope"},
                    {"value": "capital", "label": "注册资本", "label_en": "Capital"},
                ],
            ),
            _field("new_value", "textarea", "变更后内容", "New value"),
        ],
        "materials": [
            BUSINESS_LICENCE,
            _material("resolution", "股东会决议", "Shareholders' resolution"),
        ],
        "basis": "《中华人民共和国市场主体登记管理条例》第二十四条",
    },
    {
        "dept": "scjg",
        "code": "scjg-spjyxk",
        "name": "食品经营许可证核发",
        "name_en": "Food business licence",
        "themes": ["market-entities", "starting-a-business"],
        "citizens": False,
        "firms": True,
        "days": (20, 10),
        "keywords": "餐饮 食品 许可证 restaurant food licence",
        "fields": [
            _field("premises_address", "text", "经营场所", "Premises"),
            _field("area", "decimal", "经营面积（平方米）", "Floor area (m²)", min=1),
            _field(
                "food_category",
                "choice",
                "经营项目",
                "Food category",
                choices=[
                    {
                        "value": "prepackaged",
                        "label": "预包装食品销售",
                        "label_en": "Pre-packed food",
                    },
                    {"value": "catering", "label": "热食类食品制售", "label_en": "Catering"},
                ],
            ),
        ],
        "materials": [
            BUSINESS_LICENCE,
            _material("layout", "经营场所平面布局图", "Floor plan"),
            _material("rules", "食品安全管理制度", "Food safety rules"),
        ],
        "basis": "《中华人民共和国食品安全法》第三十五条",
    },
    {
        "dept": "scjg",
        "code": "scjg-gtgshdj",
        "name": "个体工商户注册登记",
        "name_en": "Individual business registration",
        "themes": ["market-entities", "starting-a-business"],
        "citizens": True,
        "firms": False,
        "days": (15, 1),
        "keywords": "个体户 小店 individual business shop",
        "fields": [
            _field("shop_name", "text", "字号名称", "Trade name", False),
            _field("address", "text", "经营场所", "Premises"),
            _field("business_scope", "textarea", "经营范围", "Business scope"),
        ],
        "materials": [_material("premises", "经营场所使用证明", "Proof of premises")],
        "basis": "《促进个体工商户发展条例》",
    },
    {
        "dept": "rsj",
        "code": "rsj-sybxjsl",
        "name": "失业保险金申领",
        "name_en": "Unemployment benefit claim",
        "themes": ["social-security", "finding-a-job"],
        "citizens": True,
        "firms": False,
        "days": (20, 5),
        "keywords": "失业金 失业 unemployment benefit",
        "fields": [
            _field("last_employer", "text", "原工作单位", "Last employer"),
            _field("left_on", "date", "离职日期", "Left on", when="past"),
            _field(
                "bank_account",
                "bank_account",
                "社保卡银行账号",
                "Bank account of the social security card",
            ),
        ],
        "materials": [
            _material(
                "insurance_record",
                "社保缴费记录",
                "Contribution record",
                dataset="rsj.personal_social_insurance",
            ),
            _material("termination", "解除劳动合同证明", "Proof of termination"),
        ],
        "basis": "《失业保险条例》第十四条",
    },
    {
        "dept": "rsj",
        "code": "rsj-zyjnbt",
        "name": "职业技能提升补贴申领",
        "name_en": "Vocational skills subsidy",
        "themes": ["social-security", "finding-a-job"],
        "citizens": True,
        "firms": False,
        "days": (20, 10),
        "keywords": "技能证书 补贴 skills certificate subsidy",
        "fields": [
            _field("certificate_number", "text", "职业资格证书编号", "Certificate number"),
            _field("issued_on", "date", "发证日期", "Issued on", when="past"),
        ],
        "materials": [_material("certificate", "职业资格证书", "Certificate")],
        "basis": "《关于实施职业技能提升行动“互联网+职业技能培训计划”的通知》",
    },
    {
        "dept": "rsj",
        "code": "rsj-tx",
        "name": "基本养老金申领（退休）",
        "name_en": "State pension claim (retirement)",
        "themes": ["social-security", "retiring"],
        "citizens": True,
        "firms": False,
        "days": (20, 10),
        "keywords": "退休 养老金 pension retire",
        "fields": [
            _field("retire_on", "date", "拟退休日期", "Retirement date", when="future"),
            _field(
                "bank_account", "bank_account", "领取养老金银行账号", "Bank account for the pension"
            ),
        ],
        "materials": [
            _material(
                "insurance_record",
                "社保缴费记录",
                "Contribution record",
                dataset="rsj.personal_social_insurance",
            )
        ],
        "basis": "《中华人民共和国社会保险法》第十六条",
    },
    {
        "dept": "rsj",
        "code": "rsj-jyjxbt",
        "name": "就业见习补贴申领",
        "name_en": "Internship subsidy for employers",
        "themes": ["social-security", "business-support"],
        "citizens": False,
        "firms": True,
        "days": (20, 10),
        "keywords": "见习 补贴 高校毕业生 internship subsidy",
        "fields": [
            _field("trainees", "integer", "见习人数", "Number of trainees", min=1),
            _field("amount", "decimal", "申请金额（元）", "Amount claimed (CNY)", min=0),
        ],
        "materials": [_material("agreements", "见习协议", "Internship agreements")],
        "basis": "《关于实施百万青年见习计划的通知》",
    },
    {
        "dept": "swj",
        "code": "swj-fply",
        "name": "发票领用",
        "name_en": "Invoice issuance approval",
        "themes": ["tax", "starting-a-business"],
        "citizens": False,
        "firms": True,
        "days": (20, 1),
        "keywords": "发票 申领 invoice VAT",
        "fields": [
            _field(
                "invoice_kind",
                "choice",
                "发票种类",
                "Invoice kind",
                choices=[
                    {"value": "general", "label": "增值税普通发票", "label_en": "General VAT"},
                    {"value": "special", "label": "增值税专用发票", "label_en": "Special VAT"},
                ],
            ),
            _field("monthly_quantity", "integer", "每月领用数量（份）", "Monthly quantity", min=1),
        ],
        "materials": [BUSINESS_LICENCE],
        "basis": "《中华人民共和国发票管理办法》第十五条",
    },
    {
        "dept": "swj",
        "code": "swj-nsxyfp",
        "name": "纳税信用复评",
        "name_en": "Tax credit rating review",
        "themes": ["tax", "growing-a-business"],
        "citizens": False,
        "firms": True,
        "days": (15, 10),
        "keywords": "纳税信用 复评 tax credit rating",
        "fields": [_field("grounds", "textarea", "复评理由", "Grounds for review")],
        "materials": [BUSINESS_LICENCE],
        "references": ["swj.tax_credit"],
        "basis": "《纳税信用管理办法（试行）》第二十九条",
    },
    {
        "dept": "swj",
        "code": "swj-grsdshs",
        "name": "个人所得税综合所得汇算退税",
        "name_en": "Individual income tax refund",
        "themes": ["tax"],
        "citizens": True,
        "firms": False,
        "days": (20, 10),
        "keywords": "个税 退税 汇算 income tax refund",
        "fields": [
            _field("tax_year", "integer", "所得年度", "Tax year", min=2019, max=2030),
            _field("refund", "decimal", "应退税额（元）", "Refund (CNY)", min=0),
            _field("bank_account", "bank_account", "退税银行账号", "Bank account"),
        ],
        "materials": [],
        "basis": "《中华人民共和国个人所得税法》第十一条",
    },
    {
        "dept": "gaj",
        "code": "gaj-hkqr",
        "name": "户口迁入登记",
        "name_en": "Household registration transfer",
        "themes": ["household", "moving-house"],
        "citizens": True,
        "firms": False,
        "days": (20, 5),
        "keywords": "落户 户口 迁移 hukou move residence",
        "fields": [
            _field("from_address", "text", "迁出地址", "Moving from"),
            _field("to_address", "text", "迁入地址", "Moving to"),
            _field(
                "reason",
                "choice",
                "迁入类别",
                "Category",
                choices=[
                    {"value": "housing", "label": "购房落户", "label_en": "Home owner"},
                    {"value": "talent", "label": "人才引进", "label_en": "Talent"},
                    {"value": "family", "label": "投靠亲属", "label_en": "Joining family"},
                ],
            ),
        ],
        "materials": [_material("housing", "房屋产权证明", "Proof of housing")],
        "basis": "《中华人民共和国户口登记条例》第十三条",
    },
    {
        "dept": "gaj",
        "code": "gaj-jzz",
        "name": "居住证申领",
        "name_en": "Residence permit",
        "themes": ["household", "moving-house"],
        "citizens": True,
        "firms": False,
        "days": (15, 7),
        "keywords": "居住证 暂住 residence permit",
        "fields": [
            _field("address", "text", "居住地址", "Address here"),
            _field("since", "date", "居住起始日期", "Living here since", when="past"),
        ],
        "materials": [
            _material("photo", "近期免冠照片", "Photo"),
            _material("lease", "租房合同或房产证明", "Lease or proof of ownership"),
        ],
        "basis": "《居住证暂行条例》第九条",
    },
    {
        "dept": "gaj",
        "code": "gaj-xsrhk",
        "name": "新生儿入户登记",
        "name_en": "Newborn household registration",
        "themes": ["household", "having-a-baby"],
        "citizens": True,
        "firms": False,
        "days": (10, 3),
        "keywords": "出生 报户口 新生儿 newborn baby birth registration",
        "fields": [
            _field("child_name", "text", "新生儿姓名", "Child's name"),
            _field("birth_date", "date", "出生日期", "Date of birth", when="past"),
            _field(
                "child_sex",
                "choice",
                "性别",
                "Sex",
                choices=[
                    {"value": "m", "label": "男", "label_en": "Male"},
                    {"value": "f", "label": "女", "label_en": "Female"},
                ],
            ),
        ],
        "materials": [_material("birth_certificate", "出生医学证明", "Birth certificate")],
        "basis": "《中华人民共和国户口登记条例》第七条",
    },
    {
        "dept": "kjj",
        "code": "kjj-gxjsqyrd",
        "name": "高新技术企业认定",
        "name_en": "High-tech enterprise recognition",
        "themes": ["innovation", "growing-a-business"],
        "citizens": False,
        "firms": True,
        "days": (60, 40),
        "keywords": "高新 高企 认定 high-tech enterprise",
        "fields": [
            _field(
                "rd_expense",
                "decimal",
                "近三年研发费用（万元）",
                "R&D expense, 3 years (10k CNY)",
                min=0,
            ),
            _field("ip_count", "integer", "知识产权数量", "Intellectual property count", min=0),
            _field(
                "tech_staff_ratio",
                "decimal",
                "科技人员占比（%）",
                "Share of tech staff (%)",
                min=0,
                max=100,
            ),
        ],
        "materials": [
            BUSINESS_LICENCE,
            _material(
                "headcount",
                "参保人数证明",
                "Insured headcount",
                dataset="rsj.social_insurance",
                exchange_fields=["insured_headcount"],
            ),
            _material("audit", "研发费用专项审计报告", "R&D audit report"),
        ],
        "references": ["scjg.business_registration", "swj.tax_credit"],
        "basis": "《高新技术企业认定管理办法》（国科发火〔2016〕32号）",
    },
    {
        "dept": "kjj",
        "code": "kjj-kjxzxqy",
        "name": "科技型中小企业评价",
        "name_en": "Tech SME evaluation",
        "themes": ["innovation"],
        "citizens": False,
        "firms": True,
        "days": (20, 10),
        "keywords": "科技型中小企业 评价 入库 tech SME",
        "fields": [
            _field("employees", "integer", "职工总数", "Employees", min=1),
            _field("revenue", "decimal", "年销售收入（万元）", "Revenue (10k CNY)", min=0),
        ],
        "materials": [BUSINESS_LICENCE],
        "basis": "《科技型中小企业评价办法》",
    },
    {
        "dept": "jxj",
        "code": POLICY_PAYMENT_SERVICE_CODE,
        "name": "惠企政策兑现申请",
        "name_en": "Business support policy payment",
        "themes": ["business-support", "growing-a-business"],
        "citizens": False,
        "firms": True,
        "days": (30, 15),
        "keywords": "惠企 政策兑现 补贴 奖励 subsidy grant policy payment",
        "fields": [
            _field("policy_title", "text", "申报政策名称", "Policy applied under"),
            _field("amount", "decimal", "申请金额（万元）", "Amount claimed (10k CNY)", min=0),
            _field("bank_account", "bank_account", "收款账号", "Bank account"),
            _field("notes", "textarea", "申报说明", "Notes", False),
        ],
        "materials": [
            BUSINESS_LICENCE,
            _material(
                "tax_credit", "纳税信用等级证明", "Tax credit rating", dataset="swj.tax_credit"
            ),
            _material(
                "social_insurance",
                "社保缴纳证明",
                "Social insurance record",
                dataset="rsj.social_insurance",
            ),
            _material("evidence", "其他证明材料", "Other evidence", False),
        ],
        "references": ["scjg.business_registration", "swj.tax_paid"],
        "basis": "《优化营商环境条例》；市政府办公厅〔2025〕12号",
    },
    {
        "dept": "jxj",
        "code": "jxj-jsgzba",
        "name": "企业技术改造项目备案",
        "name_en": "Technical upgrade project filing",
        "themes": ["business-support", "growing-a-business"],
        "citizens": False,
        "firms": True,
        "days": (10, 3),
        "keywords": "技改 备案 technical upgrade project",
        "fields": [
            _field("project_name", "text", "项目名称", "Project name"),
            _field("investment", "decimal", "总投资（万元）", "Investment (10k CNY)", min=0),
            _field("start_on", "date", "计划开工日期", "Planned start", when="future"),
        ],
        "materials": [BUSINESS_LICENCE, _material("plan", "项目建议书", "Project proposal")],
        "basis": "《企业投资项目核准和备案管理条例》",
    },
    {
        "dept": "mzj",
        "code": "mzj-jhdj",
        "name": "内地居民结婚登记",
        "name_en": "Marriage registration",
        "themes": ["civil-affairs", "getting-married"],
        "citizens": True,
        "firms": False,
        "days": (1, 1),
        "keywords": "结婚 领证 marriage wedding",
        "fields": [
            _field("spouse_name", "text", "对方姓名", "Partner's name"),
            _field("spouse_id_number", "id_number", "对方身份证号码", "Partner's identity number"),
            _field("appointment_on", "date", "预约登记日期", "Appointment date", when="future"),
        ],
        "materials": [
            _material(
                "household", "户口簿", "Household register", dataset="gaj.household_registration"
            ),
            _material("photo", "双方合影照片", "Joint photo"),
        ],
        "basis": "《婚姻登记条例》第五条",
    },
    {
        "dept": "mzj",
        "code": "mzj-dbsq",
        "name": "最低生活保障申请",
        "name_en": "Minimum living allowance",
        "themes": ["civil-affairs", "social-security"],
        "citizens": True,
        "firms": False,
        "days": (30, 20),
        "keywords": "低保 救助 minimum living allowance welfare",
        "fields": [
            _field("household_size", "integer", "家庭人口", "Household size", min=1),
            _field("monthly_income", "decimal", "家庭月收入（元）", "Monthly income (CNY)", min=0),
        ],
        "materials": [
            _material(
                "household", "户口簿", "Household register", dataset="gaj.household_registration"
            ),
            _material("income", "收入证明", "Proof of income"),
        ],
        "basis": "《社会救助暂行办法》第十一条",
    },
    {
        "dept": "wjw",
        "code": "wjw-sydj",
        "name": "生育登记",
        "name_en": "Birth registration (family planning)",
        "themes": ["health", "having-a-baby"],
        "citizens": True,
        "firms": False,
        "days": (5, 1),
        "keywords": "生育 登记 怀孕 生育津贴 birth maternity",
        "fields": [
            _field("expected_on", "date", "预产期", "Due date", when="future"),
            _field("child_order", "integer", "生育孩次", "Which child", min=1, max=10),
        ],
        "materials": [
            _material(
                "insurance",
                "生育保险参保证明",
                "Maternity insurance",
                dataset="rsj.personal_social_insurance",
            )
        ],
        "basis": "《中华人民共和国人口与计划生育法》",
    },
    {
        "dept": "wjw",
        "code": "wjw-csyxzm",
        "name": "出生医学证明首次签发",
        "name_en": "Birth certificate",
        "themes": ["health", "having-a-baby"],
        "citizens": True,
        "firms": False,
        "days": (5, 1),
        "keywords": "出生证 出生医学证明 birth certificate",
        "fields": [
            _field("child_name", "text", "新生儿姓名", "Child's name"),
            _field("birth_date", "date", "出生日期", "Date of birth", when="past"),
            _field("hospital", "text", "出生医院", "Hospital"),
        ],
        "materials": [_material("delivery_record", "分娩记录", "Delivery record")],
        "basis": "《中华人民共和国母婴保健法》第二十三条",
    },
    {
        "dept": "wjw",
        "code": "wjw-yszyzc",
        "name": "医师执业注册",
        "name_en": "Physician practice registration",
        "themes": ["health"],
        "citizens": True,
        "firms": False,
        "days": (20, 10),
        "keywords": "医生 医师 执业 doctor physician",
        "fields": [
            _field("qualification_number", "text", "医师资格证书编号", "Qualification number"),
            _field("institution", "text", "拟执业机构", "Institution"),
        ],
        "materials": [
            _material("qualification", "医师资格证书", "Qualification certificate"),
            _material("health_check", "健康体检证明", "Health check"),
        ],
        "basis": "《中华人民共和国医师法》第十三条",
    },
    {
        "dept": "sjj",
        "code": "sjj-ggsjkf",
        "name": "公共数据开放申请",
        "name_en": "Public data access request",
        "themes": ["innovation", "business-support"],
        "citizens": False,
        "firms": True,
        "days": (20, 10),
        "keywords": "公共数据 开放 数据申请 open data",
        "fields": [
            _field("dataset_name", "text", "申请数据名称", "Data requested"),
            _field("use", "textarea", "使用场景", "Intended use"),
        ],
        "materials": [
            BUSINESS_LICENCE,
            _material("security", "数据安全承诺书", "Data security pledge"),
        ],
        "basis": "《浙江省公共数据条例》第三十条",
    },
]


# The English names of the legal bases above (official translations where there are any).
LEGAL_BASIS_EN = {
    "《中华人民共和国个人所得税法》第十一条": "Individual Income Tax Law of the PRC, art. 11",
    "《中华人民共和国人口与计划生育法》": "Population and Family Planning Law of the PRC",
    "《中华人民共和国医师法》第十三条": "Physicians Law of the PRC, art. 13",
    "《中华人民共和国发票管理办法》第十五条": (
        "Measures of the PRC for Invoice Administration, art. 15"
    ),
    "《中华人民共和国市场主体登记管理条例》第二十四条": (
        "Regulation of the PRC on the Registration of Market Entities, art. 24"
    ),
    "《中华人民共和国市场主体登记管理条例》第十九条": (
        "Regulation of the PRC on the Registration of Market Entities, art. 19"
    ),
    "《中华人民共和国户口登记条例》第七条": "Household Registration Regulation of the PRC, art. 7",
    "《中华人民共和国户口登记条例》第十三条": (
        "Household Registration Regulation of the PRC, art. 13"
    ),
    "《中华人民共和国母婴保健法》第二十三条": (
        "Maternal and Infant Health Care Law of the PRC, art. 23"
    ),
    "《中华人民共和国社会保险法》第十六条": "Social Insurance Law of the PRC, art. 16",
    "《中华人民共和国食品安全法》第三十五条": "Food Safety Law of the PRC, art. 35",
    "《企业投资项目核准和备案管理条例》": (
        "Regulation on the Approval and Filing of Enterprise Investment Projects"
    ),
    "《优化营商环境条例》；市政府办公厅〔2025〕12号": (
        "Regulation on Optimising the Business Environment; Municipal Government General Office "
        "notice No. 12 (2025)"
    ),
    "《促进个体工商户发展条例》": (
        "Regulation on Promoting the Development of Individual Businesses"
    ),
    "《关于实施百万青年见习计划的通知》": "Notice on the Million Young Interns Programme",
    "《关于实施职业技能提升行动“互联网+职业技能培训计划”的通知》": (
        "Notice on the 'Internet + Vocational Skills Training' programme"
    ),
    "《失业保险条例》第十四条": "Regulation on Unemployment Insurance, art. 14",
    "《婚姻登记条例》第五条": "Regulation on Marriage Registration, art. 5",
    "《居住证暂行条例》第九条": "Interim Regulation on Residence Permits, art. 9",
    "《浙江省公共数据条例》第三十条": "Zhejiang Province Public Data Regulation, art. 30",
    "《社会救助暂行办法》第十一条": "Interim Measures for Social Assistance, art. 11",
    "《科技型中小企业评价办法》": "Measures for Evaluating Technology-based SMEs",
    "《纳税信用管理办法（试行）》第二十九条": (
        "Measures for Tax Credit Management (Trial), art. 29"
    ),
    "《高新技术企业认定管理办法》（国科发火〔2016〕32号）": (
        "Measures for the Recognition of High-tech Enterprises (MOST notice No. 32, 2016)"
    ),
}


def seed() -> int:
    """Demo data of this part (idempotent); returns how many main objects it holds."""
    for order, (code, kind, name, name_en) in enumerate(THEMES):
        theme_upsert(code=code, kind=kind, name=name, name_en=name_en, order=order)
    departments = {d.code: d for d in Department.objects.all()}
    count = 0
    for spec in SERVICES:
        department = departments.get(spec["dept"])
        if department is None:
            continue
        legal, promised = spec["days"]
        first = FIRM_STEP if spec["firms"] and not spec["citizens"] else PERSON_STEP
        service_item_upsert(
            department=department,
            code=spec["code"],
            name=spec["name"],
            name_en=spec["name_en"],
            summary=f"{department.name}办理的{spec['name']}。",
            summary_en=f"{spec['name_en']}, handled by the {department.name_en}.",
            keywords=spec["keywords"],
            themes=spec["themes"],
            for_citizens=spec["citizens"],
            for_firms=spec["firms"],
            conditions="申请人应符合法律法规规定的条件，所提交信息真实、完整、有效。",
            conditions_en=(
                "The applicant meets the conditions set by laws and regulations; the "
                "information given is true, complete and valid."
            ),
            materials=spec["materials"],
            process_steps=STANDARD_STEPS,
            form_schema={
                "steps": [
                    first,
                    {"title": "申请内容", "title_en": "Application", "fields": spec["fields"]},
                    DECLARATION_STEP,
                ]
            },
            reference_datasets=spec.get("references", []),
            legal_days=legal,
            promised_days=promised,
            fee="不收费",
            fee_en="Free of charge",
            legal_basis=spec["basis"],
            legal_basis_en=LEGAL_BASIS_EN[spec["basis"]],
            phone="0571-12345",
            offline_address=f"市民中心{department.name}综合窗口（杭州市上城区解放东路18号）",
            offline_address_en=(
                f"{department.name_en} counter, Citizen Service Centre, "
                "18 Jiefang East Road, Shangcheng District, Hangzhou"
            ),
        )
        count += 1
    return count

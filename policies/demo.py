"""Demo data of the policies part: thirty-odd Hangzhou-style policies whose rules match the
four demo firms in different ways, the firms' matching profiles (read through the exchange),
and the push and grant runs executed in-line. Idempotent (upserts by document number)."""

import datetime as dt

from policies import services
from policies.constants import AwardStatus, PolicyStatus, RunStatus
from policies.demo_english import ENGLISH
from policies.models import BenefitAward, FirmDeclaration, Policy, PolicyRun
from portal.accounts.models import Firm
from portal.departments.models import DepartmentSystem
from portal.services.demo import POLICY_PAYMENT_SERVICE_CODE

CITY = "330100"
PROVINCE = "330000"

M_LICENCE = {
    "name": "营业执照",
    "name_en": "Business licence",
    "dataset": "scjg.business_registration",
}
M_SOCIAL = {
    "name": "社保缴纳证明",
    "name_en": "Social insurance record",
    "dataset": "rsj.social_insurance",
}
M_CREDIT = {"name": "纳税信用等级证明", "name_en": "Tax credit rating", "dataset": "swj.tax_credit"}
M_TAX = {
    "name": "上年度营业收入和研发费用（税务）",
    "name_en": "Last year's revenue and R&D expense (tax records)",
    "dataset": "swj.tax_paid",
}
M_HIGH_TECH = {
    "name": "高新技术企业证书",
    "name_en": "High-tech enterprise certificate",
    "dataset": "kjj.high_tech_certificate",
}
M_AUDIT = {
    "name": "研发费用专项审计报告",
    "name_en": "Special audit report on R&D expense",
    "dataset": "",
}
M_PLAN = {"name": "项目实施方案", "name_en": "Project implementation plan", "dataset": ""}
M_INVOICE = {"name": "设备购置发票", "name_en": "Equipment purchase invoices", "dataset": ""}
M_CONTRACT = {
    "name": "劳动合同及人才证明",
    "name_en": "Employment contracts and talent certificates",
    "dataset": "",
}
M_LOAN = {
    "name": "贷款合同和付息凭证",
    "name_en": "Loan contract and interest receipts",
    "dataset": "",
}


def c(field: str, op: str, value: object = None, label: str = "") -> dict[str, object]:
    node: dict[str, object] = {"field": field, "op": op}
    if value is not None:
        node["value"] = value
    if label:
        node["label"] = label
    return node


NO_ARREARS = c("in_arrears", "eq", False, "无社保欠缴")
GOOD_CREDIT = c("tax_credit_rating", "gte", "B", "纳税信用等级B级及以上")
ACTIVE = c("registration_status", "eq", "存续", "登记状态为存续")
HIGH_TECH = c("certificates", "contains", "high_tech", "有效期内的高新技术企业")


def _p(
    doc: str,
    dept: str,
    title: str,
    summary: str,
    topics: list[str],
    rule: list[dict[str, object]],
    *,
    fixed: float | None = None,
    share: tuple[float, str, float | None] | None = None,
    note: str = "",
    industries: list[str] | None = None,
    sizes: list[str] | None = None,
    materials: list[dict[str, str]] | None = None,
    region: str = CITY,
    published: str = "2025-03-01",
    window: str = "open",
    grant: bool = False,
    days: int = 20,
    status: str = PolicyStatus.PUBLISHED,
) -> dict[str, object]:
    record: dict[str, object] = {
        "document_number": doc,
        "department": dept,
        "title": title,
        "summary": summary,
        "topics": topics,
        "eligibility": {"all": rule},
        "industries": industries or [],
        "firm_sizes": sizes or [],
        "materials": materials or [M_LICENCE],
        "region": region,
        "published_on": published,
        "benefit_note": note,
        "grant_without_applying": grant,
        "promised_days": days,
        "window": window,
        "status": status,
        "service_code": "" if grant else POLICY_PAYMENT_SERVICE_CODE,
    }
    if fixed is not None:
        record.update(benefit_kind="fixed", benefit_amount=fixed)
    elif share is not None:
        rate, base, cap = share
        record.update(benefit_kind="share", benefit_rate=rate, benefit_base=base, benefit_cap=cap)
    else:
        record.update(benefit_kind="none")
    return record


POLICIES: list[dict[str, object]] = [
    # --- 科技局 kjj --------------------------------------------------------------------------
    _p("杭科计〔2025〕21号", "kjj", "杭州市企业研发费用补助",
       "对上年度研发费用达到100万元、研发费用占营业收入比例不低于3%的企业，按研发费用的10%给予补助，最高200万元。",
       ["rd"], [c("rd_expense", "gte", 100, "上年度研发费用不低于100万元"),
                c("rd_ratio", "gte", 3, "研发费用占营业收入比例不低于3%"), GOOD_CREDIT],
       share=(0.10, "rd_expense", 200), note="按研发费用10%补助，最高200万元",
       materials=[M_LICENCE, M_TAX, M_CREDIT, M_AUDIT]),
    _p("杭科高〔2025〕8号", "kjj", "高新技术企业认定奖励",
       "对首次认定或重新认定的国家高新技术企业给予一次性奖励20万元。",
       ["high_tech", "rd"], [HIGH_TECH, ACTIVE], fixed=20,
       materials=[M_LICENCE, M_HIGH_TECH], grant=False, days=15),
    _p("杭科高〔2025〕9号", "kjj", "高新技术企业培育补助",
       "对入库培育的科技型中小企业，研发投入占比达到3%的，给予10万元培育补助。",
       ["high_tech", "rd"], [c("certificates", "contains", "tech_sme", "已入库科技型中小企业"),
                             c("rd_ratio", "gte", 3, "研发费用占营业收入比例不低于3%"),
                             {"not": HIGH_TECH}],
       fixed=10, sizes=["micro", "small", "medium"]),
    _p("杭科创〔2025〕3号", "kjj", "科技型初创企业扶持资金",
       "对成立5年以内的微型科技型初创企业，给予最高5万元的创业扶持资金。",
       ["startup", "rd"], [c("age_years", "lte", 5, "成立不超过5年"), NO_ARREARS],
       fixed=5, sizes=["micro"]),
    _p("杭科计〔2025〕30号", "kjj", "企业研发机构建设奖励",
       "对新认定的省级企业研究开发中心，给予一次性奖励50万元。",
       ["rd", "high_tech"], [HIGH_TECH, c("headcount", "gte", 100, "参保职工不少于100人"),
                             c("rd_expense", "gte", 1000, "上年度研发费用不低于1000万元")],
       fixed=50, materials=[M_LICENCE, M_SOCIAL, M_TAX, M_PLAN]),
    _p("杭科计〔2025〕33号", "kjj", "科技创新券",
       "中小微企业购买检验检测、研发设计等科技服务，按服务费用的50%兑现创新券，每家每年最高10万元。",
       ["rd"], [ACTIVE, NO_ARREARS], fixed=10, sizes=["micro", "small", "medium"],
       note="按服务费50%兑现，最高10万元"),
    _p("杭科生〔2025〕5号", "kjj", "生物医药产业研发投入资助",
       "对生物医药企业上年度研发投入超过1000万元的，按研发投入的5%给予资助，最高500万元。",
       ["health", "rd"], [c("rd_expense", "gte", 1000, "上年度研发费用不低于1000万元")],
       share=(0.05, "rd_expense", 500), industries=["27", "358"],
       materials=[M_LICENCE, M_TAX, M_AUDIT]),
    # --- 经信局 jxj --------------------------------------------------------------------------
    _p("杭经信〔2025〕41号", "jxj", "专精特新“小巨人”企业奖励",
       "对新认定的国家级专精特新“小巨人”企业，给予一次性奖励100万元。",
       ["specialised"],
       [c("certificates", "contains", "little_giant", "国家级专精特新“小巨人”企业")],
       fixed=100),
    _p("杭经信〔2025〕42号", "jxj", "省级专精特新中小企业奖励",
       "对新认定的省级专精特新中小企业，给予一次性奖励30万元。",
       ["specialised"], [c("certificates", "contains", "specialised", "省级专精特新中小企业"),
                         GOOD_CREDIT],
       fixed=30, sizes=["small", "medium"]),
    _p("杭经信〔2025〕17号", "jxj", "首台（套）装备认定奖励",
       "对经认定的首台（套）装备产品，按产品销售价格的20%给予奖励，最高100万元。",
       ["manufacturing"], [c("certificates", "contains", "first_set", "首台（套）装备产品认定")],
       fixed=100, industries=["C"], note="按售价20%奖励，最高100万元",
       materials=[M_LICENCE, M_INVOICE]),
    _p("杭经信〔2025〕23号", "jxj", "制造业数字化改造项目补助",
       "对实施数字化改造的规上制造业企业，按项目设备投资的10%给予补助，最高30万元。",
       ["digital", "manufacturing"], [c("headcount", "gte", 20, "参保职工不少于20人"),
                                      GOOD_CREDIT, NO_ARREARS],
       fixed=30, industries=["C"], materials=[M_LICENCE, M_SOCIAL, M_PLAN, M_INVOICE]),
    _p("杭经信〔2025〕26号", "jxj", "软件和信息服务业发展扶持",
       "对上年度营业收入超过2000万元的软件和信息技术服务企业，给予20万元发展扶持。",
       ["digital"], [c("revenue", "gte", 2000, "上年度营业收入不低于2000万元")],
       fixed=20, industries=["I"]),
    _p("杭经信〔2025〕27号", "jxj", "工业企业技术改造补助",
       "对纳税额100万元以上的工业企业实施技术改造，按上年度纳税额的10%给予补助，最高100万元。",
       ["manufacturing"], [c("tax_paid", "gte", 100, "上年度纳税额不低于100万元"), GOOD_CREDIT],
       share=(0.10, "tax_paid", 100), industries=["C"], materials=[M_LICENCE, M_TAX, M_PLAN]),
    _p("杭经信〔2025〕30号", "jxj", "中小企业服务券",
       "向小微企业发放服务券，用于购买管理咨询、财务法律等专业服务，每家2万元。",
       ["startup"], [ACTIVE], fixed=2, sizes=["micro", "small"]),
    _p("杭经信〔2025〕31号", "jxj", "小升规企业培育奖励",
       "对营业收入首次超过2000万元、成立不超过6年的工业企业，给予10万元奖励。",
       ["manufacturing"], [c("revenue", "gte", 2000, "上年度营业收入不低于2000万元"),
                           c("age_years", "lte", 6, "成立不超过6年")],
       fixed=10, industries=["C"]),
    _p("杭经信〔2025〕35号", "jxj", "绿色低碳工厂奖励",
       "对获评绿色低碳工厂、参保职工100人以上的制造业企业，给予一次性奖励50万元。",
       ["green", "manufacturing"], [c("headcount", "gte", 100, "参保职工不少于100人"), NO_ARREARS],
       fixed=50, industries=["C"]),
    _p("杭经信〔2025〕38号", "jxj", "小微企业贷款贴息",
       "对小微企业流动资金贷款，按实际支付利息的50%给予贴息，每家最高10万元。",
       ["finance"], [c("tax_credit_rating", "gte", "M", "纳税信用等级M级及以上"), NO_ARREARS],
       fixed=10, sizes=["micro", "small"], note="按利息50%贴息，最高10万元",
       materials=[M_LICENCE, M_CREDIT, M_LOAN]),
    _p("杭经信〔2025〕39号", "jxj", "融资担保费补助",
       "对通过政策性融资担保机构获得贷款的中小微企业，按担保费的50%给予补助，最高3万元。",
       ["finance"], [c("tax_credit_rating", "in", ["A", "B"], "纳税信用等级A级或B级")],
       fixed=3, sizes=["micro", "small", "medium"]),
    _p("杭经信〔2024〕12号", "jxj", "外贸企业出口信用保险补助",
       "对上年度营业收入500万元以上的外贸企业，按出口信用保险保费的50%给予补助。",
       ["trade"], [c("revenue", "gte", 500, "上年度营业收入不低于500万元")],
       fixed=5, published="2024-04-01", window="closed"),
    _p("杭经信〔2025〕45号", "jxj", "文化创意产业发展专项资金",
       "对文化创意、广告设计类企业，给予最高5万元的发展扶持。",
       ["culture", "startup"], [ACTIVE, c("age_years", "gte", 1, "成立满1年")],
       fixed=5, industries=["R", "7251", "7259"]),
    # --- 人社局 rsj --------------------------------------------------------------------------
    _p("杭人社发〔2025〕18号", "rsj", "失业保险稳岗返还（稳岗补贴）",
       "对不裁员或少裁员、连续参保满12个月且无欠缴的企业，按参保人数每人1500元返还失业保险费，最高300万元，免申即享。",
       ["employment"], [NO_ARREARS, c("contribution_months", "gte", 12, "连续参保缴费满12个月")],
       share=(0.15, "headcount", 300), note="按参保人数每人0.15万元，最高300万元",
       grant=True, materials=[M_LICENCE, M_SOCIAL], days=10),
    _p("杭人社发〔2025〕21号", "rsj", "一次性扩岗补助",
       "企业招用毕业年度高校毕业生并缴纳失业保险满3个月的，按每人1500元给予一次性扩岗补助。",
       ["employment"], [NO_ARREARS, c("contribution_months", "gte", 3, "连续参保缴费满3个月")],
       fixed=0.15, note="每招用一人0.15万元", materials=[M_LICENCE, M_SOCIAL, M_CONTRACT]),
    _p("杭人社发〔2025〕9号", "rsj", "高层次人才引进奖励",
       "对引进高层次人才的高新技术企业，给予企业最高50万元引才奖励。",
       ["talent"], [HIGH_TECH, c("headcount", "gte", 50, "参保职工不少于50人")],
       fixed=50, industries=["C", "I", "M"], materials=[M_LICENCE, M_HIGH_TECH, M_CONTRACT]),
    _p("杭人社发〔2025〕11号", "rsj", "职业技能培训补贴",
       "对组织职工开展职业技能培训的企业，按培训人数给予补贴，每家最高20万元。",
       ["employment", "talent"], [c("contribution_months", "gte", 12, "连续参保缴费满12个月"),
                                  c("headcount", "between", [10, 2000], "参保职工10至2000人")],
       fixed=20, materials=[M_LICENCE, M_SOCIAL, M_PLAN]),
    _p("杭人社发〔2025〕14号", "rsj", "创业担保贷款贴息",
       "对成立5年以内的小微企业创业担保贷款给予全额贴息，最高贷款额度300万元。",
       ["startup", "finance"], [c("age_years", "lte", 5, "成立不超过5年"),
                                c("tax_credit_rating", "ne", "D", "纳税信用等级非D级")],
       fixed=15, sizes=["micro", "small"], note="全额贴息（按贷款300万元估算约15万元）",
       materials=[M_LICENCE, M_LOAN]),
    _p("杭人社发〔2024〕30号", "rsj", "吸纳就业困难人员社会保险补贴",
       "对招用就业困难人员并缴纳社会保险的企业，按实际缴纳的社会保险费给予补贴。",
       ["employment"], [NO_ARREARS], fixed=1, published="2024-06-01", window="closed",
       note="按实际缴费补贴"),
    # --- 市场监管局 scjg -----------------------------------------------------------------------
    _p("杭市管〔2025〕7号", "scjg", "专利授权资助",
       "对获得发明专利授权的企业，每件给予资助1万元，每家每年最高5万元。",
       ["rd"], [ACTIVE], fixed=5, note="每件1万元，最高5万元"),
    _p("杭市管〔2025〕12号", "scjg", "标准化战略资助",
       "对主导制定国家标准的企业给予50万元资助，主导制定行业标准的给予20万元。",
       ["manufacturing"], [ACTIVE, {"any": [HIGH_TECH,
                                             c("certificates", "contains", "specialised",
                                               "省级专精特新中小企业")]}],
       fixed=50),
    _p("杭市管〔2025〕15号", "scjg", "品牌建设奖励",
       "对注册资本500万元以上、新获评“浙江制造”品牌认证的企业，给予一次性奖励30万元。",
       ["manufacturing"], [ACTIVE, c("registered_capital", "gte", 500, "注册资本不低于500万元")],
       fixed=30, industries=["C"]),
    # --- 税务局 swj --------------------------------------------------------------------------
    _p("国家税务总局公告2025年第3号", "swj", "小型微利企业所得税优惠",
       "对小型微利企业年应纳税所得额不超过300万元的部分，减按25%计入应纳税所得额，按20%的税率缴纳企业所得税。",
       ["finance"], [c("headcount", "lte", 300, "从业人数不超过300人")],
       sizes=["micro", "small"], region="100000", note="减按25%计入应纳税所得额"),
    _p("财政部 税务总局公告2023年第7号", "swj", "研发费用税前加计扣除",
       "企业开展研发活动中实际发生的研发费用，在按规定据实扣除的基础上，再按实际发生额的100%在税前加计扣除。",
       ["rd"], [c("rd_expense", "gt", 0, "上年度有研发费用")], region="100000",
       note="按研发费用100%加计扣除", published="2023-03-26"),
    _p("国税函〔2025〕12号", "swj", "高新技术企业所得税优惠",
       "国家高新技术企业减按15%的税率征收企业所得税。",
       ["high_tech"], [HIGH_TECH], region="100000", note="减按15%税率征收企业所得税"),
    # --- 卫健委 wjw, 数据局 sjj ---------------------------------------------------------------
    _p("杭卫发〔2025〕6号", "wjw", "创新药品和医疗器械首购奖励",
       "对本市生物医药企业研发的创新药品和医疗器械，首次进入医疗机构采购的，给予最高100万元奖励。",
       ["health"], [ACTIVE, GOOD_CREDIT], fixed=100, industries=["27", "358"],
       materials=[M_LICENCE, M_CREDIT, M_INVOICE]),
    _p("杭数据〔2025〕2号", "sjj", "公共数据开放创新应用奖励",
       "对利用公共数据开发创新应用的软件和信息技术服务企业，给予最高20万元奖励。",
       ["digital"], [ACTIVE, c("headcount", "gte", 10, "参保职工不少于10人")],
       fixed=20, industries=["I"]),
    _p("浙科发〔2025〕40号", "kjj", "省科技型中小企业认定（培育）",
       "全省开展科技型中小企业评价入库，入库企业享受科技创新券等政策。",
       ["rd", "startup"], [ACTIVE, c("headcount", "lte", 500, "职工总数不超过500人")],
       region=PROVINCE, sizes=["micro", "small", "medium"]),
    _p("杭经信〔2026〕1号（征求意见稿）", "jxj", "人工智能产业发展若干措施（征求意见）",
       "对人工智能企业的算力使用、模型研发给予补助（征求意见稿，尚未发布）。",
       ["digital", "rd"], [c("industry_code", "prefix", ["65", "64"], "软件和互联网行业")],
       fixed=50, status=PolicyStatus.DRAFT),
]  # fmt: skip


# The firms' payment accounts on record (given when they last applied), by firm name.
DEMO_BANK_ACCOUNTS = {
    "杭城智能科技有限公司": "6222020200112233",
    "西湖生物医药股份有限公司": "33050161000000001234",
    "钱塘新材料制造有限公司": "6217001540012345678",
    "运河文化创意工作室": "6228480329876543210",
}
# A benefit granted without applying that the department has already paid, by firm name.
DEMO_PAID_AWARDS = ("西湖生物医药股份有限公司",)


def _record(raw: dict[str, object], today: dt.date) -> dict[str, object]:
    record = {k: v for k, v in raw.items() if k not in ("window", "status")}
    if raw["window"] == "open":
        record["window_opens"] = (today - dt.timedelta(days=60)).isoformat()
        record["window_closes"] = (today + dt.timedelta(days=120)).isoformat()
    else:
        record["window_opens"] = (today - dt.timedelta(days=300)).isoformat()
        record["window_closes"] = (today - dt.timedelta(days=30)).isoformat()
    record["valid_from"] = record["published_on"]
    record["valid_until"] = (today + dt.timedelta(days=730)).isoformat()
    record["full_text"] = _full_text(raw)
    title_en, summary_en, note_en = ENGLISH[str(raw["document_number"])]
    record.update(title_en=title_en, summary_en=summary_en, benefit_note_en=note_en)
    record["full_text_en"] = _full_text_en(title_en, summary_en)
    return record


def _full_text_en(title: str, summary: str) -> str:
    return (
        f"Notice on the implementing rules of the {title}\n\n"
        "To the district and county governments and the city's departments:\n"
        "To keep improving the business environment and to support the growth of firms, "
        f"the following applies to the {title}.\n"
        f"1. Support. {summary}\n"
        "2. Conditions. The firm is registered in the city as an independent legal person, "
        "its registration is in good standing, and in the last three years it had no major "
        "safety, pollution or serious credit failings.\n"
        "3. How to apply. Online, through the portal's policy service; materials that "
        "departments can share are not asked of the firm.\n"
        "4. Payment. After review and public notice without objection, the money is paid "
        "into the firm's basic account.\n"
        "5. These rules take effect on publication; the issuing department interprets them."
    )


def _full_text(raw: dict[str, object]) -> str:
    title, summary = raw["title"], raw["summary"]
    return (
        f"关于印发《{title}实施细则》的通知\n\n"
        "各区、县（市）人民政府，市直各单位：\n"
        f"为贯彻落实市委、市政府关于进一步优化营商环境、助力企业高质量发展的决策部署，现就{title}有关事项通知如下。\n"
        f"一、支持内容。{summary}\n"
        "二、申报条件。在本市依法登记注册、具有独立法人资格，登记状态正常，"
        "近三年无重大安全生产、环境污染和严重失信行为。\n"
        "三、申报方式。通过一网通办“政策通”在线申报，申报材料中可由部门共享获取的，不再要求企业提交。\n"
        "四、资金兑付。经审核公示无异议后，资金直接拨付至企业基本账户。\n"
        "五、本细则自发布之日起施行，由发布部门负责解释。"
    )


def seed() -> int:
    """Demo policies, profiles for the demo firms, and the push and grant runs done in-line."""
    today = dt.date.today()
    for firm in Firm.objects.order_by("pk"):
        account = DEMO_BANK_ACCOUNTS.get(firm.name)
        if account:
            declaration, _created = FirmDeclaration.objects.get_or_create(firm=firm)
            declaration.data = {**declaration.data, "bank_account": account}
            declaration.save()
        services.firm_profile_refresh(firm=firm)
    systems = {s.department.code: s for s in DepartmentSystem.objects.select_related("department")}
    by_department: dict[str, list[dict[str, object]]] = {}
    for raw in POLICIES:
        by_department.setdefault(str(raw["department"]), []).append(raw)
    for code, raws in by_department.items():
        system = systems[code]
        actor = services.Actor(department=system.department, system=system)
        drafts = [_record(r, today) for r in raws if r["status"] == PolicyStatus.DRAFT]
        published = [_record(r, today) for r in raws if r["status"] != PolicyStatus.DRAFT]
        report = services.policies_import(actor=actor, rows=published, publish=True)
        report_drafts = services.policies_import(actor=actor, rows=drafts, publish=False)
        rejected = report.rejected + report_drafts.rejected
        if rejected:
            raise ValueError(f"demo policies rejected: {rejected}")
    # Execute the queued runs now, so the demo starts with matches, notices and grants
    # (the tasks dispatched after commit find them done).
    for run in PolicyRun.objects.exclude(status=RunStatus.DONE).order_by("pk"):
        services.policy_run_execute(run_id=run.pk)
    for award in BenefitAward.objects.filter(
        firm__name__in=DEMO_PAID_AWARDS, status=AwardStatus.GRANTED, paid_at__isnull=True
    ).select_related("firm"):
        services.award_mark_paid(award=award, account=DEMO_BANK_ACCOUNTS[award.firm.name])
    return Policy.objects.count()

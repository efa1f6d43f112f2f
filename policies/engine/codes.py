# ruff: noqa: E501  (a code list: one entry per line reads better than wrapped names)
"""The code lists people choose from when they search policies: regions and industries.

Pure Python. Regions are GB/T 2260 codes (the ones this portal's policies use: the country,
Zhejiang, its cities, and Hangzhou's districts and counties); industries are the sections
(门类, a letter) and divisions (大类, two digits) of GB/T 4754-2017. Each comes with its
Chinese and English name.
"""

COUNTRY = "100000"

# (code, Chinese name, English name), larger areas first.
REGIONS: tuple[tuple[str, str, str], ...] = (
    (COUNTRY, "全国", "The whole country"),
    ("330000", "浙江省", "Zhejiang Province"),
    ("330100", "杭州市", "Hangzhou"),
    ("330102", "杭州市上城区", "Hangzhou, Shangcheng District"),
    ("330105", "杭州市拱墅区", "Hangzhou, Gongshu District"),
    ("330106", "杭州市西湖区", "Hangzhou, Xihu District"),
    ("330108", "杭州市滨江区", "Hangzhou, Binjiang District"),
    ("330109", "杭州市萧山区", "Hangzhou, Xiaoshan District"),
    ("330110", "杭州市余杭区", "Hangzhou, Yuhang District"),
    ("330111", "杭州市富阳区", "Hangzhou, Fuyang District"),
    ("330112", "杭州市临安区", "Hangzhou, Lin'an District"),
    ("330113", "杭州市临平区", "Hangzhou, Linping District"),
    ("330114", "杭州市钱塘区", "Hangzhou, Qiantang District"),
    ("330122", "杭州市桐庐县", "Hangzhou, Tonglu County"),
    ("330127", "杭州市淳安县", "Hangzhou, Chun'an County"),
    ("330182", "杭州市建德市", "Hangzhou, Jiande"),
    ("330200", "宁波市", "Ningbo"),
    ("330300", "温州市", "Wenzhou"),
    ("330400", "嘉兴市", "Jiaxing"),
    ("330500", "湖州市", "Huzhou"),
    ("330600", "绍兴市", "Shaoxing"),
    ("330700", "金华市", "Jinhua"),
    ("330800", "衢州市", "Quzhou"),
    ("330900", "舟山市", "Zhoushan"),
    ("331000", "台州市", "Taizhou"),
    ("331100", "丽水市", "Lishui"),
)

# GB/T 4754-2017 sections: (letter, Chinese name, English name, first and last division).
SECTIONS: tuple[tuple[str, str, str, int, int], ...] = (
    ("A", "农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery", 1, 5),
    ("B", "采矿业", "Mining", 6, 12),
    ("C", "制造业", "Manufacturing", 13, 43),
    ("D", "电力、热力、燃气及水生产和供应业", "Electricity, heat, gas and water supply", 44, 46),
    ("E", "建筑业", "Construction", 47, 50),
    ("F", "批发和零售业", "Wholesale and retail trade", 51, 52),
    ("G", "交通运输、仓储和邮政业", "Transport, storage and postal services", 53, 60),
    ("H", "住宿和餐饮业", "Accommodation and catering", 61, 62),
    ("I", "信息传输、软件和信息技术服务业", "Information transmission, software and IT services", 63, 65),
    ("J", "金融业", "Finance", 66, 69),
    ("K", "房地产业", "Real estate", 70, 70),
    ("L", "租赁和商务服务业", "Leasing and business services", 71, 72),
    ("M", "科学研究和技术服务业", "Scientific research and technical services", 73, 75),
    ("N", "水利、环境和公共设施管理业", "Water, environment and public facilities management", 76, 79),
    ("O", "居民服务、修理和其他服务业", "Household, repair and other services", 80, 82),
    ("P", "教育", "Education", 83, 83),
    ("Q", "卫生和社会工作", "Health and social work", 84, 85),
    ("R", "文化、体育和娱乐业", "Culture, sports and entertainment", 86, 90),
    ("S", "公共管理、社会保障和社会组织", "Public administration, social security and social organisations", 91, 96),
    ("T", "国际组织", "International organisations", 97, 97),
)  # fmt: skip

# GB/T 4754-2017 divisions: two-digit code → (Chinese name, English name).
DIVISIONS: dict[str, tuple[str, str]] = {
    "01": ("农业", "Farming"),
    "02": ("林业", "Forestry"),
    "03": ("畜牧业", "Animal husbandry"),
    "04": ("渔业", "Fishery"),
    "05": ("农、林、牧、渔专业及辅助性活动", "Support activities for agriculture and fishery"),
    "06": ("煤炭开采和洗选业", "Coal mining and washing"),
    "07": ("石油和天然气开采业", "Oil and natural gas extraction"),
    "08": ("黑色金属矿采选业", "Mining of ferrous metal ores"),
    "09": ("有色金属矿采选业", "Mining of non-ferrous metal ores"),
    "10": ("非金属矿采选业", "Mining of non-metallic minerals"),
    "11": ("开采专业及辅助性活动", "Support activities for mining"),
    "12": ("其他采矿业", "Other mining"),
    "13": ("农副食品加工业", "Processing of agricultural products"),
    "14": ("食品制造业", "Manufacture of foods"),
    "15": ("酒、饮料和精制茶制造业", "Manufacture of liquor, beverages and refined tea"),
    "16": ("烟草制品业", "Manufacture of tobacco"),
    "17": ("纺织业", "Manufacture of textiles"),
    "18": ("纺织服装、服饰业", "Manufacture of apparel and clothing accessories"),
    "19": ("皮革、毛皮、羽毛及其制品和制鞋业", "Manufacture of leather, fur, feathers and footwear"),
    "20": ("木材加工和木、竹、藤、棕、草制品业", "Processing of timber; wood, bamboo, rattan and straw products"),
    "21": ("家具制造业", "Manufacture of furniture"),
    "22": ("造纸和纸制品业", "Manufacture of paper and paper products"),
    "23": ("印刷和记录媒介复制业", "Printing and reproduction of recording media"),
    "24": ("文教、工美、体育和娱乐用品制造业", "Manufacture of articles for culture, education, arts, sports and entertainment"),
    "25": ("石油、煤炭及其他燃料加工业", "Processing of petroleum, coal and other fuels"),
    "26": ("化学原料和化学制品制造业", "Manufacture of chemicals and chemical products"),
    "27": ("医药制造业", "Manufacture of medicines"),
    "28": ("化学纤维制造业", "Manufacture of chemical fibres"),
    "29": ("橡胶和塑料制品业", "Manufacture of rubber and plastics products"),
    "30": ("非金属矿物制品业", "Manufacture of non-metallic mineral products"),
    "31": ("黑色金属冶炼和压延加工业", "Smelting and pressing of ferrous metals"),
    "32": ("有色金属冶炼和压延加工业", "Smelting and pressing of non-ferrous metals"),
    "33": ("金属制品业", "Manufacture of metal products"),
    "34": ("通用设备制造业", "Manufacture of general-purpose machinery"),
    "35": ("专用设备制造业", "Manufacture of special-purpose machinery"),
    "36": ("汽车制造业", "Manufacture of motor vehicles"),
    "37": ("铁路、船舶、航空航天和其他运输设备制造业", "Manufacture of railway, ship, aerospace and other transport equipment"),
    "38": ("电气机械和器材制造业", "Manufacture of electrical machinery and equipment"),
    "39": ("计算机、通信和其他电子设备制造业", "Manufacture of computers, communication and other electronic equipment"),
    "40": ("仪器仪表制造业", "Manufacture of measuring instruments"),
    "41": ("其他制造业", "Other manufacturing"),
    "42": ("废弃资源综合利用业", "Recycling of waste resources"),
    "43": ("金属制品、机械和设备修理业", "Repair of metal products, machinery and equipment"),
    "44": ("电力、热力生产和供应业", "Production and supply of electricity and heat"),
    "45": ("燃气生产和供应业", "Production and supply of gas"),
    "46": ("水的生产和供应业", "Production and supply of water"),
    "47": ("房屋建筑业", "Construction of buildings"),
    "48": ("土木工程建筑业", "Civil engineering"),
    "49": ("建筑安装业", "Building installation"),
    "50": ("建筑装饰、装修和其他建筑业", "Building decoration and other construction"),
    "51": ("批发业", "Wholesale trade"),
    "52": ("零售业", "Retail trade"),
    "53": ("铁路运输业", "Rail transport"),
    "54": ("道路运输业", "Road transport"),
    "55": ("水上运输业", "Water transport"),
    "56": ("航空运输业", "Air transport"),
    "57": ("管道运输业", "Pipeline transport"),
    "58": ("多式联运和运输代理业", "Multimodal transport and freight forwarding"),
    "59": ("装卸搬运和仓储业", "Cargo handling and warehousing"),
    "60": ("邮政业", "Postal services"),
    "61": ("住宿业", "Accommodation"),
    "62": ("餐饮业", "Catering"),
    "63": ("电信、广播电视和卫星传输服务", "Telecommunications, broadcasting and satellite transmission"),
    "64": ("互联网和相关服务", "Internet and related services"),
    "65": ("软件和信息技术服务业", "Software and information technology services"),
    "66": ("货币金融服务", "Monetary and banking services"),
    "67": ("资本市场服务", "Capital market services"),
    "68": ("保险业", "Insurance"),
    "69": ("其他金融业", "Other financial services"),
    "70": ("房地产业", "Real estate"),
    "71": ("租赁业", "Leasing"),
    "72": ("商务服务业", "Business services"),
    "73": ("研究和试验发展", "Research and experimental development"),
    "74": ("专业技术服务业", "Professional technical services"),
    "75": ("科技推广和应用服务业", "Technology promotion and application services"),
    "76": ("水利管理业", "Water management"),
    "77": ("生态保护和环境治理业", "Ecological protection and environmental management"),
    "78": ("公共设施管理业", "Public facilities management"),
    "79": ("土地管理业", "Land management"),
    "80": ("居民服务业", "Household services"),
    "81": ("机动车、电子产品和日用产品修理业", "Repair of motor vehicles, electronics and household goods"),
    "82": ("其他服务业", "Other services"),
    "83": ("教育", "Education"),
    "84": ("卫生", "Health"),
    "85": ("社会工作", "Social work"),
    "86": ("新闻和出版业", "News and publishing"),
    "87": ("广播、电视、电影和录音制作业", "Radio, television, film and sound recording"),
    "88": ("文化艺术业", "Culture and arts"),
    "89": ("体育", "Sports"),
    "90": ("娱乐业", "Entertainment"),
    "91": ("中国共产党机关", "Organs of the Communist Party of China"),
    "92": ("国家机构", "State organs"),
    "93": ("人民政协、民主党派", "CPPCC and democratic parties"),
    "94": ("社会保障", "Social security"),
    "95": ("群众团体、社会团体和其他成员组织", "Mass organisations, social groups and other membership organisations"),
    "96": ("基层群众自治组织及其他组织", "Grass-roots self-governing organisations"),
    "97": ("国际组织", "International organisations"),
}  # fmt: skip

REGION_CODES = frozenset(code for code, _zh, _en in REGIONS)
SECTION_LETTERS = frozenset(letter for letter, *_rest in SECTIONS)


def region_choices(*, english: bool) -> list[tuple[str, str]]:
    return [(code, f"{en} ({code})" if english else f"{zh}（{code}）") for code, zh, en in REGIONS]


def industry_choices(*, english: bool) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped by section: the section itself, then its divisions, each with its code."""
    groups = []
    for letter, zh, en, first, last in SECTIONS:
        name = en if english else zh
        options = [(letter, f"{letter} {name}")]
        for n in range(first, last + 1):
            code = f"{n:02d}"
            division = DIVISIONS[code]
            options.append((code, f"{code} {division[1] if english else division[0]}"))
        groups.append((f"{letter} {name}", options))
    return groups


def is_industry_code(code: str) -> bool:
    """A section letter, or a 2 to 4 digit code whose division exists."""
    if code in SECTION_LETTERS:
        return True
    return code.isdigit() and 2 <= len(code) <= 4 and code[:2] in DIVISIONS

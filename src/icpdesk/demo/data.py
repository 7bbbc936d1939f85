"""The demo facts: the regulator, the agency, the article's four platforms, more
clients, and the story each client's case has been through.

Dates are offsets in working days before the day the demo is loaded (a
negative offset is in the future), so the desk looks alive whenever it runs:
"filed 3 working days ago" stays 3 working days ago. Every identifier is
well formed (credit codes carry their GB 32100 check character, ID numbers
their GB 11643 one); none of these companies exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from icpdesk.accounts.choices import Role

REGULATOR_NAME = "甘肃省通信管理局"
REGULATOR_PROVINCE = "CN-GS"
AGENCY_NAME = "陇原企业服务有限公司"


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    roles: tuple[str, ...]
    phone: str = ""


REGULATOR_STAFF: tuple[Person, ...] = (
    Person("reviewer", "李敏", (Role.REVIEWER,), "13893100001"),
    Person("inspector", "赵强", (Role.INSPECTOR,), "13893100002"),
    Person("approver", "陈静", (Role.APPROVER,), "13893100003"),
    Person("gsadmin", "周涛", (Role.ADMIN,), "13893100004"),
)

AGENCY_STAFF: tuple[Person, ...] = (
    Person("consultant", "马丽", (Role.CONSULTANT,), "13919200001"),
    Person("manager", "孙浩", (Role.MANAGER,), "13919200002"),
)

ALL_MODULES = (
    "product_display",
    "user_registration",
    "order_payment",
    "order_management",
    "logistics_tracking",
)

ALL_PASSED: dict[str, dict[str, Any]] = {
    area: {"passed": True, "remarks": "符合要求"}
    for area in ("site", "servers", "security_manager", "rules_and_drills")
}


@dataclass(frozen=True)
class Step:
    """One action of a case's story, ``ago`` working days before the load date.

    ``by`` names who acts: "consultant", "owner", or a regulator username.
    """

    action: str
    ago: int
    by: str = ""
    on_ago: int = 0  # schedule: the inspection date, working days before the load date
    items: tuple[tuple[str, str], ...] = ()  # return: (item, reason)
    text: str = ""  # answer, withdraw reason, reject/approve reasons, comment body
    record: dict[str, dict[str, Any]] = field(default_factory=dict)  # inspect
    forged: bool = False  # reject


@dataclass(frozen=True)
class Staff:
    name: str
    birth: str  # YYYYMMDD, for a well-formed ID number
    seq: int
    phone: str
    major: str = "网络空间安全"
    certificates: tuple[str, ...] = ("CISSP",)


@dataclass(frozen=True)
class Client:
    """A client enterprise of the agency, with its owner login and its case's story."""

    owner: str  # the owner's username
    owner_name: str
    name: str
    city: str
    division: str  # administrative division code of the district (for the credit code)
    serial: int  # the organisation-code digits of the credit code
    domain: str
    icp_filing: str
    address: str
    business_scope: str
    legal_rep: str
    legal_rep_birth: str
    phone: str
    staff: Staff
    story: tuple[Step, ...]
    registered_years_ago: int = 3
    registered_capital_cny: int = 5_000_000
    server_regions: tuple[str, ...] = ("CN-GS",)
    server_address: str = ""
    third_party_merchants: bool = False
    services: tuple[str, ...] = ()
    article: bool = False  # one of the article's four example platforms


SCOPE = "互联网信息服务；在线交易平台服务；"

CLIENTS: tuple[Client, ...] = (
    # ---------------------------------------------------- the article's four platforms
    Client(
        owner="lanzhou",
        owner_name="王建国",
        name="兰州陇货精品电子商务有限公司",
        city="兰州市",
        division="620102",
        serial=357_104_218,
        domain="longhuojingpin.com",
        icp_filing="甘ICP备2021004518号-1",
        address="甘肃省兰州市城关区东岗西路 588 号",
        business_scope=SCOPE + "日用百货、食品、工艺品的网上销售",
        legal_rep="王建国",
        legal_rep_birth="19780412",
        phone="13893112345",
        staff=Staff("张伟", "19900307", 123, "13993112345"),
        server_address="甘肃省兰州市城关区 兰州新区大数据产业园 A 栋",
        registered_years_ago=5,
        article=True,
        story=(
            Step("file", 45),
            Step("accept", 42),
            Step("schedule", 41, on_ago=38),
            Step("inspect", 38, record=ALL_PASSED),
            Step("approve", 30, text="材料齐全、准确、清晰，现场核查全部通过。"),
            Step("issue", 27),
            Step("comment", 27, by="owner", text="证书已领取，谢谢。"),
        ),
    ),
    Client(
        owner="tianshui",
        owner_name="刘秀英",
        name="天水秦州花牛果业电子商务有限公司",
        city="天水市",
        division="620502",
        serial=461_288_035,
        domain="huaniuguoye.com",
        icp_filing="甘ICP备2022007731号-1",
        address="甘肃省天水市秦州区藉河南路 126 号",
        business_scope=SCOPE + "花牛苹果等新鲜水果、农副产品的网上销售",
        legal_rep="刘秀英",
        legal_rep_birth="19820923",
        phone="13909381234",
        staff=Staff("杨帆", "19930518", 217, "13909381235", major="计算机科学与技术", certificates=("CISP",)),
        server_address="甘肃省兰州市安宁区 中国电信兰州数据中心",
        article=True,
        story=(
            Step("file", 3, by="owner"),
            Step("comment", 3, by="consultant", text="申报材料已按清单全部上传，请审查。"),
        ),
    ),
    Client(
        owner="qingyang",
        owner_name="何志刚",
        name="庆阳岐黄中药材交易平台有限公司",
        city="庆阳市",
        division="621002",
        serial=529_603_147,
        domain="qihuangyaocai.com.cn",
        icp_filing="甘ICP备2020002264号-1",
        address="甘肃省庆阳市西峰区南大街 77 号",
        business_scope=SCOPE + "中药材（不含饮片）的网上交易撮合与销售",
        legal_rep="何志刚",
        legal_rep_birth="19750130",
        phone="13830412345",
        staff=Staff("白雪", "19910711", 352, "13830412346", major="信息安全", certificates=("CISP", "CCNA")),
        server_address="甘肃省庆阳市西峰区 庆阳东数西算数据中心 3 号楼",
        registered_years_ago=6,
        third_party_merchants=True,
        article=True,
        story=(
            Step("file", 14),
            Step(
                "return",
                12,
                items=(
                    ("托管协议", "协议所列服务器地址与申请表不一致，请提供一致的托管协议。"),
                    ("网站拓扑图", "未标明第三方商家入驻模块的数据流向。"),
                ),
            ),
            Step("answer", 10, text="已重新签订托管协议并更新拓扑图，见附件。"),
            Step("accept", 7),
            Step("schedule", 6, on_ago=-2),
        ),
    ),
    Client(
        owner="jiuquan",
        owner_name="韩立新",
        name="酒泉光储新能源设备科技有限公司",
        city="酒泉市",
        division="620902",
        serial=638_410_572,
        domain="jqguangchu.com",
        icp_filing="甘ICP备2019005087号-1",
        address="甘肃省酒泉市肃州区飞天路 301 号",
        business_scope=SCOPE + "光伏组件、逆变器、储能设备的销售（B2B）",
        legal_rep="韩立新",
        legal_rep_birth="19710806",
        phone="13993712345",
        staff=Staff("孟凯", "19880225", 418, "13993712346", major="通信工程", certificates=("CCNP",)),
        server_address="甘肃省酒泉市肃州区 酒泉云计算中心",
        registered_capital_cny=20_000_000,
        article=True,
        story=(
            Step("file", 20),
            Step("accept", 17),
            Step("schedule", 16, on_ago=12),
            Step("inspect", 12, record=ALL_PASSED),
        ),
    ),
    # ---------------------------------------------------- more clients of the agency
    Client(
        owner="baiyin",
        owner_name="高红梅",
        name="白银铜城优选商贸有限公司",
        city="白银市",
        division="620402",
        serial=714_902_336,
        domain="tongchengyouxuan.cn",
        icp_filing="甘ICP备2023001942号-1",
        address="甘肃省白银市白银区人民路 45 号",
        business_scope=SCOPE + "日用品、家用电器的网上销售",
        legal_rep="高红梅",
        legal_rep_birth="19850314",
        phone="13893012345",
        staff=Staff("苏明", "19950909", 561, "13893012346", major="软件工程", certificates=("NISP",)),
        server_address="甘肃省兰州市城关区 中国移动兰州数据中心",
        story=(),  # a draft being prepared
    ),
    Client(
        owner="wuwei",
        owner_name="罗建华",
        name="武威凉州葡萄酒电子商务有限公司",
        city="武威市",
        division="620602",
        serial=805_117_649,
        domain="liangzhouwine.com",
        icp_filing="甘ICP备2021008803号-1",
        address="甘肃省武威市凉州区东大街 12 号",
        business_scope=SCOPE + "葡萄酒、预包装食品的网上销售",
        legal_rep="罗建华",
        legal_rep_birth="19770219",
        phone="13909351234",
        staff=Staff(
            "郑洁", "19920403", 612, "13909351235", major="计算机网络", certificates=("HCIA-Security",)
        ),
        server_address="甘肃省武威市凉州区 武威云数据中心",
        story=(
            Step("file", 6),
            Step(
                "return",
                2,
                items=(
                    ("营业执照副本", "复印件不清晰，请重新扫描上传。"),
                    ("安全负责人社保证明", "缺少最近一个月在甘肃缴纳社保的证明。"),
                ),
            ),
        ),
    ),
    Client(
        owner="linxia",
        owner_name="马国栋",
        name="临夏八坊清真食品电子商务有限公司",
        city="临夏回族自治州",
        division="622901",
        serial=916_348_250,
        domain="bafangfood.cn",
        icp_filing="甘ICP备2022003356号-1",
        address="甘肃省临夏州临夏市团结路 88 号",
        business_scope=SCOPE + "清真食品、牛羊肉制品的网上销售",
        legal_rep="马国栋",
        legal_rep_birth="19800627",
        phone="13830912345",
        staff=Staff("马燕", "19940812", 703, "13830912346", major="电子信息工程", certificates=("CISAW",)),
        server_address="甘肃省兰州市安宁区 中国电信兰州数据中心",
        story=(
            Step("file", 12),
            Step(
                "return",
                8,
                items=(("验资报告", "验资报告缺少会计师事务所签章。"),),
            ),
        ),
    ),
    Client(
        owner="jiayuguan",
        owner_name="吴振华",
        name="嘉峪关雄关户外用品电子商务有限公司",
        city="嘉峪关市",
        division="620201",
        serial=127_534_981,
        domain="xiongguanoutdoor.com",
        icp_filing="甘ICP备2020006619号-1",
        address="甘肃省嘉峪关市雄关区新华中路 19 号",
        business_scope=SCOPE + "户外用品、体育用品的网上销售",
        legal_rep="吴振华",
        legal_rep_birth="19790105",
        phone="13993712001",
        staff=Staff(
            "徐磊", "19890730", 824, "13993712002", major="信息管理与信息系统", certificates=("CCNA",)
        ),
        server_address="甘肃省嘉峪关市 嘉峪关云计算中心",
        story=(
            Step("file", 16),
            Step("return", 13, items=(("网站内容审核报告", "未提供企业自查的内容审核报告。"),)),
            Step("lapse", 6),
        ),
    ),
    Client(
        owner="pingliang",
        owner_name="赵春燕",
        name="平凉崆峒农产品电子商务有限公司",
        city="平凉市",
        division="620802",
        serial=238_671_405,
        domain="kongtongnongchan.com",
        icp_filing="甘ICP备2021002475号-1",
        address="甘肃省平凉市崆峒区西大街 66 号",
        business_scope=SCOPE + "农产品、土特产品的网上销售",
        legal_rep="赵春燕",
        legal_rep_birth="19830918",
        phone="13909331234",
        staff=Staff("田野", "19960114", 935, "13909331235", major="网络工程", certificates=("CISP",)),
        server_address="甘肃省兰州市城关区 中国联通兰州数据中心",
        story=(Step("file", 8),),  # acceptance overdue
    ),
    Client(
        owner="zhangye",
        owner_name="钱卫东",
        name="张掖丹霞文旅电子商务有限公司",
        city="张掖市",
        division="620702",
        serial=349_805_716,
        domain="danxiatrip.com",
        icp_filing="甘ICP备2022005598号-1",
        address="甘肃省张掖市甘州区县府街 21 号",
        business_scope=SCOPE + "文创产品、旅游商品的网上销售",
        legal_rep="钱卫东",
        legal_rep_birth="19760304",
        phone="13993612345",
        staff=Staff(
            "林静", "19910202", 146, "13993612346", major="计算机科学与技术", certificates=("CISSP",)
        ),
        server_address="甘肃省张掖市甘州区 张掖数据中心",
        story=(Step("file", 18), Step("accept", 13)),  # inspection overdue
    ),
    Client(
        owner="dingxi",
        owner_name="孙德胜",
        name="定西安定马铃薯产业电子商务有限公司",
        city="定西市",
        division="621102",
        serial=450_926_837,
        domain="dingximalingshu.com",
        icp_filing="甘ICP备2020004412号-1",
        address="甘肃省定西市安定区永定路 9 号",
        business_scope=SCOPE + "马铃薯及其制品、农产品的网上销售",
        legal_rep="孙德胜",
        legal_rep_birth="19720716",
        phone="13909321234",
        staff=Staff("周博", "19870606", 257, "13909321235", major="信息安全", certificates=("CISP",)),
        server_address="甘肃省兰州市安宁区 中国电信兰州数据中心",
        story=(
            Step("file", 30),
            Step("accept", 27),
            Step("schedule", 26, on_ago=22),
            Step("inspect", 22, record=ALL_PASSED),
            Step("approve", 8, text="核查通过，予以许可。"),
        ),  # certificate overdue
    ),
    Client(
        owner="longnan",
        owner_name="邓建军",
        name="陇南武都橄榄油电子商务有限公司",
        city="陇南市",
        division="621202",
        serial=561_037_948,
        domain="wuduolive.com",
        icp_filing="甘ICP备2021006630号-1",
        address="甘肃省陇南市武都区钟楼滩 3 号",
        business_scope=SCOPE + "橄榄油、农副产品的网上销售",
        legal_rep="邓建军",
        legal_rep_birth="19740928",
        phone="13993912345",
        staff=Staff("冯涛", "19900101", 368, "13993912346", major="网络空间安全", certificates=("CISP",)),
        server_address="甘肃省陇南市武都区 陇南数据中心",
        story=(
            Step("file", 30),
            Step("accept", 27),
            Step("schedule", 26, on_ago=23),
            Step(
                "inspect",
                23,
                record={
                    "site": {"passed": True, "remarks": "交易功能齐全"},
                    "servers": {
                        "passed": False,
                        "remarks": "托管协议所列机房位于陇南，现场核实网站实际运行在境外（新加坡）服务器上。",
                    },
                    "security_manager": {
                        "passed": False,
                        "remarks": "安全负责人为兼职人员，所附全职社保证明系伪造。",
                    },
                    "rules_and_drills": {"passed": True, "remarks": ""},
                },
            ),
            Step(
                "reject",
                15,
                forged=True,
                text="提交虚假托管协议与社保证明：服务器实际位于境外，安全负责人非全职。依规不予许可，3年内不得再次申请。",
            ),
        ),
    ),
    Client(
        owner="jinchang",
        owner_name="许文斌",
        name="金昌镍都工业品电子商务有限公司",
        city="金昌市",
        division="620302",
        serial=672_148_059,
        domain="niduindustrial.com",
        icp_filing="甘ICP备2022001187号-1",
        address="甘肃省金昌市金川区北京路 38 号",
        business_scope=SCOPE + "有色金属制品、五金工具的网上销售",
        legal_rep="许文斌",
        legal_rep_birth="19810511",
        phone="13909351001",
        staff=Staff("唐亮", "19920920", 479, "13909351002", major="通信工程", certificates=("CCNA",)),
        server_address="甘肃省兰州市城关区 中国移动兰州数据中心",
        story=(
            Step("file", 10),
            Step("withdraw", 7, text="企业调整经营计划，暂不申请。"),
        ),
    ),
    Client(
        # Not eligible: capital below 1,000,000 CNY and its servers in Hong Kong.
        owner="gannan",
        owner_name="才让多杰",
        name="甘南高原牦牛特产电子商务有限公司",
        city="甘南藏族自治州",
        division="623001",
        serial=783_259_160,
        domain="gaoyuanmaoniu.com",
        icp_filing="甘ICP备2023006075号-1",
        address="甘肃省甘南州合作市当周街 16 号",
        business_scope=SCOPE + "牦牛肉制品、藏区特产的网上销售",
        legal_rep="才让多杰",
        legal_rep_birth="19860422",
        phone="13993012001",
        staff=Staff("卓玛", "19970315", 581, "13993012002", major="计算机应用技术", certificates=("NISP",)),
        registered_capital_cny=500_000,
        server_regions=("CN-HK",),
        server_address="香港特别行政区葵涌 葵盛数据中心",
        story=(),  # a draft that cannot be filed until the failures are fixed
    ),
)

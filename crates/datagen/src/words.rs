//! The words generated records are made of: places, drugs, concealments and filler
//! sentences in English, Korean and Thai; romanised Korean names with their Hangul, Thai
//! and other names; vessel names, container owner codes and flags.

pub(crate) const EN_PLACES: &[&str] = &[
    "Busan New Port",
    "Incheon Port",
    "Pyeongtaek",
    "Gwangyang",
    "Ulsan",
    "Laem Chabang",
    "Bangkok Port",
    "Long Beach",
    "Los Angeles",
    "Yokohama",
    "Kobe",
    "Manzanillo",
    "Guayaquil",
    "Port Klang",
    "Haiphong",
];
pub(crate) const EN_DRUG_WORDS: &[&str] = &[
    "methamphetamine",
    "crystal meth",
    "yaba tablets",
    "cocaine",
    "cannabis resin",
    "ketamine",
    "heroin",
    "MDMA tablets",
    "fentanyl powder",
];
pub(crate) const EN_CONCEALMENT: &[&str] = &[
    "a refrigerated container of frozen fish",
    "machine parts inside a container",
    "a false floor of the container",
    "tea packaging",
    "the ballast tank",
    "bags of coffee beans",
    "a shipment of tyres",
    "the crew quarters",
    "an express courier parcel",
    "sea chest compartments",
];
pub(crate) const EN_ACTIONS: &[&str] = &[
    "Intelligence indicates that",
    "A reliable source reports that",
    "Analysis of manifest data suggests that",
    "Following a controlled delivery,",
    "Partner reporting confirms that",
    "Surveillance of the syndicate shows that",
];
pub(crate) const EN_FILLERS: &[&str] = &[
    "The consignee is a newly registered trading company with no import history.",
    "Payment was routed through several money service businesses.",
    "The vessel switched off its AIS transponder for two days near the transshipment point.",
    "The container was booked late and the declared weight does not match the gate weight.",
    "Crew members used prepaid phones registered under false names.",
    "The same freight forwarder handled two earlier consignments that tested positive.",
    "Recommend targeted inspection on arrival and notification of partner agencies.",
    "The route via a transshipment hub is typical of the syndicate.",
    "Risk profiling flagged the shipper and the declared commodity.",
    "Samples were sent to the laboratory for analysis.",
];

pub(crate) const KO_PLACES: &[&str] = &[
    "부산항",
    "부산신항",
    "인천항",
    "평택항",
    "광양항",
    "울산항",
    "인천공항",
    "목포항",
    "제주항",
];
pub(crate) const KO_DRUGS: &[&str] = &["필로폰", "코카인", "대마", "케타민", "헤로인", "엑스터시"];
pub(crate) const KO_CONCEALMENT: &[&str] = &[
    "냉동 생선 컨테이너에",
    "기계 부품 사이에",
    "컨테이너 바닥에",
    "커피 자루 속에",
    "선원 숙소에",
    "국제 특송 화물에",
];
pub(crate) const KO_FILLERS: &[&str] = &[
    "수하인은 최근 설립된 무역회사로 수입 실적이 없다.",
    "선박이 환적 지점 부근에서 이틀간 AIS 신호를 끈 것으로 확인되었다.",
    "선원들은 타인 명의의 선불 휴대전화를 사용하였다.",
    "동일한 운송주선업체가 과거 적발 화물 두 건을 처리하였다.",
    "입항 시 정밀 검사와 관계기관 통보가 필요하다.",
    "자금은 여러 환전업체를 거쳐 송금되었다.",
    "시료는 감정을 위해 분석실로 보냈다.",
];

pub(crate) const TH_PLACES: &[&str] = &[
    "ท่าเรือแหลมฉบัง",
    "ท่าเรือกรุงเทพ",
    "ด่านศุลกากรเชียงแสน",
    "ท่าอากาศยานสุวรรณภูมิ",
    "ด่านศุลกากรสะเดา",
];
pub(crate) const TH_DRUGS: &[&str] = &["ยาบ้า", "ไอซ์", "เฮโรอีน", "โคเคน", "กัญชา", "เคตามีน"];
pub(crate) const TH_FILLERS: &[&str] = &[
    "เจ้าหน้าที่ศุลกากรตรวจยึดของกลางได้ในตู้สินค้า",
    "ผู้รับสินค้าเป็นบริษัทที่จดทะเบียนใหม่",
    "เรือปิดสัญญาณ AIS ใกล้จุดถ่ายลำ",
    "ขอให้หน่วยงานพันธมิตรตรวจสอบเพิ่มเติม",
];

pub(crate) const KO_FAMILY: &[&str] = &[
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo",
    "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong",
];
pub(crate) const KO_GIVEN: &[&str] = &[
    "Min-jun",
    "Seo-yeon",
    "Ji-ho",
    "Ha-eun",
    "Do-yun",
    "Ji-woo",
    "Eun-woo",
    "Su-bin",
    "Hyun-woo",
    "Ye-jin",
    "Sung-min",
    "Jae-won",
    "Dong-hyun",
    "Young-ho",
    "Kyung-soo",
    "Mi-kyung",
    "Sang-hoon",
    "Jin-young",
    "Tae-yang",
    "Hye-jin",
];
/// [`KO_FAMILY`] in Hangul, in the same order.
pub(crate) const KO_HANGUL_FAMILY: &[&str] = &[
    "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황",
    "안", "송", "유", "홍",
];
/// [`KO_GIVEN`] in Hangul, in the same order.
pub(crate) const KO_HANGUL_GIVEN: &[&str] = &[
    "민준", "서연", "지호", "하은", "도윤", "지우", "은우", "수빈", "현우", "예진", "성민", "재원",
    "동현", "영호", "경수", "미경", "상훈", "진영", "태양", "혜진",
];
pub(crate) const TH_GIVEN: &[&str] = &[
    "Somchai",
    "Suda",
    "Anan",
    "Kittisak",
    "Malee",
    "Prasert",
    "Wanida",
    "Somsak",
    "Nattapong",
    "Siriporn",
    "Chaiwat",
    "Pornthip",
];
pub(crate) const TH_FAMILY: &[&str] = &[
    "Srisuk",
    "Chaiyaporn",
    "Wongsawat",
    "Saetang",
    "Rattanakorn",
    "Boonmee",
    "Thongchai",
    "Jitpakdee",
    "Kaewkla",
    "Sukprasert",
];
/// [`TH_GIVEN`] in Thai script, in the same order.
pub(crate) const TH_THAI_GIVEN: &[&str] = &[
    "สมชาย",
    "สุดา",
    "อนันต์",
    "กิตติศักดิ์",
    "มาลี",
    "ประเสริฐ",
    "วนิดา",
    "สมศักดิ์",
    "ณัฐพงษ์",
    "ศิริพร",
    "ชัยวัฒน์",
    "พรทิพย์",
];
/// [`TH_FAMILY`] in Thai script, in the same order.
pub(crate) const TH_THAI_FAMILY: &[&str] = &[
    "ศรีสุข",
    "ชัยพร",
    "วงศ์สวัสดิ์",
    "แซ่ตั้ง",
    "รัตนากร",
    "บุญมี",
    "ธงชัย",
    "จิตภักดี",
    "แก้วกล้า",
    "สุขประเสริฐ",
];
pub(crate) const EN_GIVEN: &[&str] = &[
    "Carlos", "Maria", "John", "Ahmed", "Diego", "Elena", "Viktor", "Luis", "Hiroshi", "Nguyen",
];
pub(crate) const EN_FAMILY: &[&str] = &[
    "Ramirez", "Ortega", "Smith", "Haddad", "Moreno", "Petrov", "Tanaka", "Vargas", "Tran",
    "Castillo",
];

pub(crate) const VESSEL_FIRST: &[&str] = &[
    "Ocean",
    "Pacific",
    "Golden",
    "Morning",
    "Haeyang",
    "Dong Bang",
    "Sea",
    "Silver",
    "Blue",
    "Eastern",
    "Northern",
    "Grand",
    "Royal",
    "Lucky",
    "Hanjin",
    "Sinar",
    "Thai",
    "Asian",
    "Star",
    "Crystal",
    "Jade",
    "Pearl",
    "Victory",
    "Harmony",
    "Orient",
    "Global",
    "Bright",
    "Noble",
    "Kumho",
    "Samho",
    "Chang",
    "Siam",
    "Mekong",
    "Busan",
    "Coral",
    "Emerald",
    "Phoenix",
    "Dragon",
    "Liberty",
    "Unity",
];
pub(crate) const VESSEL_SECOND: &[&str] = &[
    "Glory",
    "Pioneer",
    "Express",
    "Spirit",
    "Fortune",
    "Breeze",
    "Dawn",
    "Horizon",
    "Voyager",
    "Trader",
    "Carrier",
    "Princess",
    "Queen",
    "Navigator",
    "Pride",
    "Wave",
    "Harvest",
    "Falcon",
    "Eagle",
    "Swan",
    "Bridge",
    "Hope",
    "Venture",
    "Unity",
    "Bay",
    "Leader",
    "Master",
    "Hero",
    "Ace",
    "Crown",
    "Jewel",
    "Star",
    "Sun",
    "Moon",
    "Wind",
    "Island",
    "Cape",
    "Crest",
    "Peak",
    "Force",
];
/// Owner codes of container lines and lessors (three letters; the category is `U`).
pub(crate) const CONTAINER_OWNERS: &[&str] = &[
    "MSC", "MAE", "HDM", "CSQ", "OOL", "EGL", "HLX", "TGH", "SEG", "TCL", "CMA", "ONE", "YML",
    "SML", "KMT", "HMM",
];
/// MIDs with their country, for MMSIs and flags.
pub(crate) const FLAGS: &[(u32, &str)] = &[
    (440, "KR"),
    (441, "KR"),
    (567, "TH"),
    (431, "JP"),
    (351, "PA"),
    (352, "PA"),
    (538, "MH"),
    (636, "LR"),
    (477, "HK"),
    (563, "SG"),
    (412, "CN"),
    (574, "VN"),
];

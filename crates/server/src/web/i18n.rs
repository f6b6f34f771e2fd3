//! The message catalogue of the web interface, in English and Korean, and the
//! formatting of dates and numbers per language.
//!
//! Every string a page shows comes from here, so that a missing translation is one
//! look at one file away. Keys are short dotted names; an unknown key renders as
//! itself, which a test below guards against.

use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::ident::CountryCode;

/// A language of the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ko,
}

impl Lang {
    /// The BCP 47 tag, for `<html lang>` and the `lang` cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// Parses the cookie value.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }

    /// The other language, offered by the switch on every page.
    pub fn other(self) -> Self {
        match self {
            Lang::En => Lang::Ko,
            Lang::Ko => Lang::En,
        }
    }

    /// The language's own name, as the switch shows it.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ko => "한국어",
        }
    }

    /// The preferred supported language of an `Accept-Language` header, by quality;
    /// English when none is supported.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let lang = match primary {
                "ko" => Lang::Ko,
                "en" => Lang::En,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::En)
    }

    /// The text of `key` in this language.
    pub fn t(self, key: &str) -> &'static str {
        match lookup(key) {
            Some((en, ko)) => match self {
                Lang::En => en,
                Lang::Ko => ko,
            },
            None => {
                tracing::warn!(key, "missing message");
                ""
            }
        }
    }

    /// A day: `21 Nov 2026` or `2026년 11월 21일`.
    pub fn date(self, day: NaiveDate) -> String {
        match self {
            Lang::En => day.format("%-d %b %Y").to_string(),
            Lang::Ko => day.format("%Y년 %-m월 %-d일").to_string(),
        }
    }

    /// An instant in UTC, to the minute.
    pub fn datetime(self, at: DateTime<Utc>) -> String {
        format!("{} {} UTC", self.date(at.date_naive()), at.format("%H:%M"))
    }

    /// A country's name in this language, falling back to English.
    pub fn country(self, country: CountryCode) -> &'static str {
        match self {
            Lang::Ko => country.name_ko().unwrap_or_else(|| country.name()),
            Lang::En => country.name(),
        }
    }
}

/// An integer with thousands separators: `290,000`.
pub fn int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    let first = match digits.len() % 3 {
        0 => 3.min(digits.len()),
        n => n,
    };
    out.push_str(&digits[..first]);
    for group in digits.as_bytes()[first..].chunks(3) {
        out.push(',');
        out.push_str(std::str::from_utf8(group).unwrap_or_default());
    }
    out
}

/// A quantity with thousands separators and at most three decimals: `1,250.5`.
pub fn quantity(q: f64) -> String {
    if !q.is_finite() {
        return q.to_string();
    }
    let text = format!("{:.3}", q.abs());
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let frac = frac.trim_end_matches('0');
    let whole: i64 = whole.parse().unwrap_or(0);
    let sign = if q < 0.0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{}", int(whole))
    } else {
        format!("{sign}{}.{frac}", int(whole))
    }
}

macro_rules! catalogue {
    ($($key:literal => $en:literal, $ko:literal;)*) => {
        /// Every key of the catalogue.
        #[cfg(test)]
        pub const KEYS: &[&str] = &[$($key),*];

        fn lookup(key: &str) -> Option<(&'static str, &'static str)> {
            match key {
                $($key => Some(($en, $ko)),)*
                _ => None,
            }
        }
    };
}

catalogue! {
    "app.name" => "Interdict", "인터딕트";
    "app.tagline" => "Drug-enforcement intelligence sharing", "마약 단속 정보 공유";
    "nav.dashboard" => "Dashboard", "대시보드";
    "nav.reports" => "Reports", "첩보 보고서";
    "nav.seizures" => "Seizures", "압수 기록";
    "nav.search" => "Search", "검색";
    "nav.map" => "Map", "지도";
    "nav.agreements" => "Agreements", "협정";
    "nav.audit" => "Audit", "감사 기록";
    "nav.logout" => "Log out", "로그아웃";
    "nav.main" => "Main navigation", "주 메뉴";
    "map.title" => "Live map", "실시간 지도";
    "map.live" => "Live", "실시간 수신 중";
    "map.connecting" => "Connecting…", "연결 중…";
    "map.offline" => "Stream interrupted — reconnecting", "스트림 끊김 — 다시 연결 중";
    "map.assets_missing" => "The map assets are not installed", "지도 자료가 설치되지 않았습니다";
    "map.assets_missing_text" => "This node was built without the map's front-end packages (MapLibre GL JS and the Natural Earth land polygons). Install them with npm from the repository root and build again; the node then serves them itself, with no internet connection.", "이 노드는 지도 프런트엔드 패키지(MapLibre GL JS와 Natural Earth 육지 데이터) 없이 빌드되었습니다. 저장소 최상위 폴더에서 npm으로 설치한 뒤 다시 빌드하십시오. 그러면 노드가 인터넷 연결 없이 직접 제공합니다.";
    "map.assets_missing_help" => "Everything else in Interdict works without them; the maritime picture is also available through the API.", "지도 외의 모든 기능은 이 패키지 없이도 작동하며, 해상 상황 정보는 API로도 제공됩니다.";
    "map.filter_agency" => "Source agency", "출처 기관";
    "map.filter_type" => "Vessel type", "선박 종류";
    "map.filter_kind" => "Alert kind", "경보 종류";
    "map.all" => "All", "전체";
    "map.type.cargo" => "Cargo", "화물선";
    "map.type.tanker" => "Tanker", "유조선";
    "map.type.passenger" => "Passenger", "여객선";
    "map.type.fishing" => "Fishing", "어선";
    "map.type.other" => "Other", "기타";
    "map.type.unknown" => "Unknown type", "종류 미상";
    "map.alerts" => "Alerts", "경보";
    "map.areas" => "Areas", "감시 구역";
    "map.draw_area" => "Draw an area", "구역 그리기";
    "map.draw_hint" => "Click the map to add corners; finish when done.", "지도를 클릭해 꼭짓점을 추가하고 완료를 누르십시오.";
    "map.draw_finish" => "Finish", "완료";
    "map.draw_too_few" => "An area needs at least three corners.", "구역에는 꼭짓점이 세 개 이상 필요합니다.";
    "map.cancel" => "Cancel", "취소";
    "map.area_name" => "Name of the area", "구역 이름";
    "map.save_area" => "Save area", "구역 저장";
    "map.area_saved" => "Area saved", "구역을 저장했습니다";
    "map.delete" => "Delete", "삭제";
    "map.delete_confirm" => "Delete this area?", "이 구역을 삭제하시겠습니까?";
    "map.close" => "Close", "닫기";
    "map.vessel" => "Vessel", "선박";
    "map.name" => "Name", "선명";
    "map.mmsi" => "MMSI", "MMSI";
    "map.imo" => "IMO number", "IMO 번호";
    "map.callsign" => "Call sign", "호출부호";
    "map.flag" => "Flag", "선적";
    "map.flag_mid" => "MID", "MID";
    "map.type" => "Type", "종류";
    "map.destination" => "Destination", "목적지";
    "map.last_seen" => "Last seen", "최종 수신";
    "map.position" => "Position", "위치";
    "map.speed" => "Speed / course", "속력 / 침로";
    "map.agency" => "Source agency", "출처 기관";
    "map.track_points" => "Track points (24 h)", "항적 점 (24시간)";
    "map.records" => "Records naming it", "이 선박이 언급된 기록";
    "map.no_records" => "No record you may see names it.", "열람할 수 있는 기록 중 이 선박을 언급한 것이 없습니다.";
    "map.search_imo" => "Search for its IMO number", "IMO 번호로 검색";
    "map.search_mmsi" => "Search for its MMSI", "MMSI로 검색";
    "map.no_alerts" => "No alerts.", "경보가 없습니다.";
    "map.no_areas" => "No areas.", "구역이 없습니다.";
    "map.alert" => "Alert", "경보";
    "map.other_vessel" => "Other vessel", "상대 선박";
    "map.started" => "Started", "시작";
    "map.ended" => "Ended", "종료";
    "map.ongoing" => "ongoing", "진행 중";
    "map.state" => "State", "처리 상태";
    "map.evidence" => "Evidence", "근거";
    "map.error" => "The request failed", "요청이 실패했습니다";
    "map.unnamed" => "(no name)", "(이름 없음)";
    "map.vessels_shown" => "vessels shown", "척 표시";
    "alert.encounter" => "Encounter at sea", "해상 접선";
    "alert.loitering" => "Loitering", "배회";
    "alert.gap" => "AIS gap", "AIS 신호 중단";
    "alert.identity" => "Identity anomaly", "신원 이상";
    "alert.zone_entry" => "Area entry", "구역 진입";
    "alert.watchlist" => "Watch-listed vessel", "감시 대상 선박";
    "alert.high_risk_arrival" => "Arrival from a high-risk port", "고위험 항구발 입항";
    "alert_state.new" => "New", "신규";
    "alert_state.acknowledged" => "Acknowledged", "확인됨";
    "alert_state.assigned" => "Assigned", "배정됨";
    "alert_state.closed" => "Closed", "종결";
    "lang.switch" => "Language", "언어";

    "login.title" => "Sign in", "로그인";
    "login.username" => "Username", "사용자 이름";
    "login.password" => "Password", "비밀번호";
    "login.submit" => "Sign in", "로그인";
    "login.failed" => "Wrong username or password.", "사용자 이름 또는 비밀번호가 올바르지 않습니다.";
    "login.limited" => "Too many failed attempts. Try again in a few minutes.", "로그인 실패가 너무 많습니다. 몇 분 뒤에 다시 시도하십시오.";
    "login.expired" => "The sign-in form expired. Please try again.", "로그인 양식이 만료되었습니다. 다시 시도하십시오.";
    "login.notice" => "Authorised users only. Every access is recorded.", "인가된 사용자만 이용할 수 있습니다. 모든 접속은 기록됩니다.";

    "dash.title" => "Dashboard", "대시보드";
    "dash.visible_reports" => "Reports you may see", "열람 가능한 보고서";
    "dash.visible_seizures" => "Seizures you may see", "열람 가능한 압수 기록";
    "dash.agreements_in_force" => "Agreements in force", "발효 중인 협정";
    "dash.latest_reports" => "Latest reports", "최근 보고서";
    "dash.latest_seizures" => "Latest seizures", "최근 압수 기록";
    "dash.you" => "Signed in as", "로그인 사용자";
    "dash.roles" => "Roles", "역할";
    "dash.agency" => "Agency", "기관";
    "dash.see_all" => "See all", "전체 보기";
    "dash.none_in_force" => "No agreement is in force: only your own agency's records are visible.", "발효 중인 협정이 없습니다. 자기 기관의 기록만 볼 수 있습니다.";

    "common.more_than" => "more than", "이상";
    "common.none" => "None", "없음";
    "common.empty" => "Nothing to show.", "표시할 항목이 없습니다.";
    "common.next_page" => "Next page", "다음 페이지";
    "common.first_page" => "First page", "첫 페이지";
    "common.filter" => "Filter", "필터";
    "common.clear" => "Clear", "초기화";
    "common.any" => "Any", "전체";
    "common.save" => "Save", "저장";
    "common.cancel" => "Cancel", "취소";
    "common.edit" => "Edit", "수정";
    "common.yes" => "Yes", "예";
    "common.no" => "No", "아니요";
    "common.results" => "results", "건";
    "common.result" => "result", "건";
    "common.total" => "Total", "합계";
    "common.remove" => "Remove", "삭제";
    "common.fix_fields" => "Some fields need correcting; they are marked below.", "수정이 필요한 항목이 아래에 표시되어 있습니다.";
    "common.back" => "Back", "돌아가기";

    "field.title" => "Title", "제목";
    "field.narrative" => "Narrative", "내용";
    "field.grading" => "Grading", "평가 등급";
    "field.grading_help" => "Source reliability A–F and information credibility 1–6 (Admiralty)", "출처 신뢰도 A–F, 정보 신빙성 1–6 (애드미럴티 방식)";
    "field.tlp" => "Handling (TLP)", "취급 등급 (TLP)";
    "field.recipients" => "Recipient agencies (TLP:RED only)", "수신 기관 (TLP:RED 전용)";
    "field.recipients_help" => "Only agencies whose agreement with yours shares this kind of record up to TLP:RED can receive it; others are refused with the reason.", "우리 기관과의 협정이 이 종류의 기록을 TLP:RED까지 공유하는 기관만 받을 수 있습니다. 그 밖의 기관은 이유와 함께 거부됩니다.";
    "field.drugs" => "Drugs", "마약류";
    "field.modus_operandi" => "Modus operandi", "범행 수법";
    "field.status" => "Status", "상태";
    "field.agency" => "Agency", "기관";
    "field.version" => "Version", "버전";
    "field.created" => "Created", "작성";
    "field.updated" => "Last changed", "최종 수정";
    "field.created_by" => "Created by", "작성자";
    "field.subjects" => "Subjects", "대상";
    "field.kind" => "Kind", "종류";
    "field.name" => "Name", "이름";
    "field.identifier" => "Identifier", "식별자";
    "field.country" => "Country", "국가";
    "field.date" => "Date", "일자";
    "field.occurred_on" => "Date of seizure", "압수 일자";
    "field.place" => "Place", "장소";
    "field.place_kind" => "Kind of place", "장소 유형";
    "field.place_name" => "Place name", "장소 이름";
    "field.lat" => "Latitude", "위도";
    "field.lon" => "Longitude", "경도";
    "field.conveyance" => "Conveyance", "운송 수단";
    "field.items" => "Drugs seized", "압수 마약류";
    "field.drug" => "Drug", "마약류";
    "field.quantity" => "Quantity", "수량";
    "field.unit" => "Unit", "단위";
    "field.concealment" => "Concealment", "은닉 수법";
    "field.route" => "Route", "경로";
    "field.origin" => "Origin", "출발국";
    "field.transit" => "Transit (country codes, comma-separated)", "경유국 (국가 코드, 쉼표로 구분)";
    "field.transit_short" => "Transit", "경유국";
    "field.destination" => "Destination", "도착국";
    "field.linked_reports" => "Linked reports", "연결된 보고서";
    "field.linked_reports_help" => "Ids or addresses of reports you may see, one per line.", "열람 가능한 보고서의 ID 또는 주소를 한 줄에 하나씩 입력하십시오.";
    "field.aliases" => "Aliases", "별칭";
    "field.position" => "Position", "위치";
    "field.subject_more" => "Aliases · position", "별칭 · 위치";
    "field.reason" => "Reason", "사유";
    "field.query" => "Search", "검색어";
    "field.record_kind" => "Record type", "기록 종류";

    "subject.add" => "Add subject", "대상 추가";
    "subject.help" => "Identifier by kind: vessel — IMO number, MMSI or call sign; container — ISO 6346 number; phone — international number (+82…); e-mail — address; aircraft — registration; vehicle — plate; parcel — tracking number; bank account — account number; document — number (name: document type); organisation — registration number; person — date of birth (YYYY-MM-DD).", "종류별 식별자: 선박 — IMO 번호, MMSI 또는 호출부호; 컨테이너 — ISO 6346 번호; 전화 — 국제 번호 (+82…); 이메일 — 주소; 항공기 — 등록 기호; 차량 — 번호판; 소포 — 운송장 번호; 은행 계좌 — 계좌 번호; 문서 — 번호 (이름: 문서 종류); 단체 — 등록 번호; 인물 — 생년월일 (YYYY-MM-DD).";
    "subject.person" => "Person", "인물";
    "subject.organisation" => "Organisation", "단체";
    "subject.vessel" => "Vessel", "선박";
    "subject.aircraft" => "Aircraft", "항공기";
    "subject.vehicle" => "Vehicle", "차량";
    "subject.container" => "Container", "컨테이너";
    "subject.parcel" => "Parcel", "소포";
    "subject.phone" => "Phone", "전화";
    "subject.email" => "E-mail", "이메일";
    "subject.bank_account" => "Bank account", "은행 계좌";
    "subject.document" => "Document", "문서";
    "subject.address" => "Address", "주소";
    "subject.place" => "Place", "장소";
    "hint.person" => "Date of birth, 1980-04-25", "생년월일, 1980-04-25";
    "hint.organisation" => "Registration number", "등록 번호";
    "hint.vessel" => "IMO, MMSI or call sign", "IMO, MMSI 또는 호출부호";
    "hint.aircraft" => "Registration, HL8001", "등록 기호, HL8001";
    "hint.vehicle" => "Plate", "번호판";
    "hint.container" => "ISO 6346, CSQU3054383", "ISO 6346, CSQU3054383";
    "hint.parcel" => "Tracking number", "운송장 번호";
    "hint.phone" => "+82 10 1234 5678", "+82 10 1234 5678";
    "hint.email" => "name@example.org", "name@example.org";
    "hint.bank_account" => "Account number", "계좌 번호";
    "hint.document" => "Document number", "문서 번호";
    "hint.address" => "—", "—";
    "hint.place" => "—", "—";
    "hint.aliases" => "Aliases, comma-separated", "별칭 (쉼표로 구분)";
    "item.add" => "Add drug", "마약류 추가";

    "status.draft" => "Draft", "임시 저장";
    "status.published" => "Published", "게시";
    "status.withdrawn" => "Withdrawn", "철회";

    "drug.methamphetamine" => "Methamphetamine", "메트암페타민 (필로폰)";
    "drug.yaba" => "Yaba", "야바";
    "drug.cocaine" => "Cocaine", "코카인";
    "drug.heroin" => "Heroin", "헤로인";
    "drug.opium" => "Opium", "아편";
    "drug.cannabis" => "Cannabis", "대마";
    "drug.ketamine" => "Ketamine", "케타민";
    "drug.mdma" => "MDMA", "MDMA (엑스터시)";
    "drug.fentanyl" => "Fentanyl", "펜타닐";
    "drug.lsd" => "LSD", "LSD";
    "drug.ghb" => "GHB", "GHB";
    "drug.new_psychoactive_substance" => "New psychoactive substance", "신종 향정신성 물질";
    "drug.precursor" => "Precursor", "원료 물질";
    "drug.other" => "Other", "기타";

    "unit.g" => "g", "g";
    "unit.kg" => "kg", "kg";
    "unit.tablets" => "tablets", "정";
    "unit.litres" => "litres", "리터";

    "conveyance.sea_container" => "Sea container", "해상 컨테이너";
    "conveyance.vessel" => "Vessel", "선박";
    "conveyance.air_passenger" => "Air passenger", "항공 여행자";
    "conveyance.air_cargo" => "Air cargo", "항공 화물";
    "conveyance.express_courier" => "Express courier", "특송 화물";
    "conveyance.post" => "Post", "국제 우편";

    "place.port" => "Port", "항만";
    "place.airport" => "Airport", "공항";
    "place.at_sea" => "At sea", "해상";
    "place.mail_centre" => "Mail centre", "우편 센터";
    "place.land_border" => "Land border", "육상 국경";
    "place.inland" => "Inland", "내륙";

    "scope.intelligence" => "Intelligence", "첩보";
    "scope.surveillance" => "Surveillance", "감시";
    "scope.resources" => "Resources", "자원";
    "scope.training" => "Training", "교육";
    "scope.seizures" => "Seizures", "압수";

    "role.analyst" => "Analyst", "분석관";
    "role.watch_officer" => "Watch officer", "상황 근무자";
    "role.coordinator" => "Coordinator", "작전 조정관";
    "role.resource_manager" => "Resource manager", "자원 관리자";
    "role.trainer" => "Trainer", "교육 담당";
    "role.agency_admin" => "Agency administrator", "기관 관리자";
    "role.auditor" => "Auditor", "감사관";

    "report.list_title" => "Intelligence reports", "첩보 보고서";
    "report.new" => "New report", "새 보고서";
    "report.edit" => "Edit report", "보고서 수정";
    "report.one" => "Report", "보고서";
    "report.history" => "Version history", "버전 이력";
    "seizure.list_title" => "Seizure records", "압수 기록";
    "seizure.new" => "New seizure", "새 압수 기록";
    "seizure.edit" => "Edit seizure", "압수 기록 수정";
    "seizure.one" => "Seizure", "압수 기록";

    "record.withdraw" => "Withdraw", "철회";
    "record.withdraw_help" => "Partners stop seeing a withdrawn record at once. This cannot be undone.", "철회된 기록은 즉시 협력 기관에 보이지 않게 됩니다. 되돌릴 수 없습니다.";
    "record.withdrawn_notice" => "This record is withdrawn.", "이 기록은 철회되었습니다.";
    "record.conflict" => "Someone changed this record while you were editing it. Your input is kept below; open the record again to see the current version, then apply your change to it.", "수정하는 동안 다른 사람이 이 기록을 변경했습니다. 입력한 내용은 아래에 남아 있습니다. 기록을 다시 열어 현재 버전을 확인한 뒤 변경 사항을 다시 적용하십시오.";
    "record.foreign" => "Shared with you by", "공유 기관";
    "record.open_current" => "Open the current version", "현재 버전 열기";
    "correlation.title" => "Also held by", "다른 기관 보유 기록";
    "correlation.none" => "No other record you may know of names these identifiers.", "이 식별자를 담은 다른 기록이 없습니다(알 수 있는 범위).";
    "correlation.matched" => "Matched on", "일치 식별자";
    "correlation.holds" => "holds a record you may not read on", "기관이 열람 권한 밖의 기록을 보유하고 있습니다. 일치 식별자:";
    "correlation.contact" => "Contact", "연락처";
    "correlation.skipped" => "Not compared (placeholder or too common)", "비교하지 않음(무효값 또는 지나치게 흔한 값)";
    "scheme.imo" => "IMO", "IMO 번호";
    "scheme.mmsi" => "MMSI", "MMSI";
    "scheme.call_sign" => "Call sign", "호출부호";
    "scheme.container" => "Container", "컨테이너";
    "scheme.phone" => "Phone", "전화번호";
    "scheme.email" => "E-mail", "이메일";
    "scheme.document" => "Document", "문서 번호";
    "scheme.bank_account" => "Bank account", "은행 계좌";
    "scheme.plate" => "Plate", "차량 번호";
    "scheme.aircraft" => "Aircraft", "항공기 등록부호";
    "scheme.parcel" => "Parcel", "소포 운송장";
    "scheme.company_registration" => "Company registration", "법인 등록번호";

    "search.title" => "Search", "검색";
    "search.placeholder" => "Names, vessels, identifiers, places…", "이름, 선박, 식별자, 장소…";
    "search.submit" => "Search", "검색";
    "search.all_kinds" => "Reports and seizures", "보고서 및 압수 기록";
    "search.hint" => "Search reports and seizures you may see. Korean and Thai words match inside words.", "열람 가능한 보고서와 압수 기록을 검색합니다. 한국어와 태국어는 단어 일부로도 검색됩니다.";

    "agreements.title" => "Agreements", "협정";
    "agreements.parties" => "Parties", "당사 기관";
    "agreements.scopes" => "Scopes", "협력 분야";
    "agreements.valid" => "Valid", "유효 기간";
    "agreements.max_tlp" => "Highest TLP shared", "최고 공유 TLP";
    "agreements.in_force" => "In force", "발효 여부";
    "agreements.open_ended" => "open-ended", "기한 없음";
    "agreements.none" => "Your agency has no agreements.", "소속 기관의 협정이 없습니다.";

    "audit.title" => "Audit log", "감사 기록";
    "audit.seq" => "No.", "번호";
    "audit.time" => "Time", "시각";
    "audit.actor" => "Actor", "행위자";
    "audit.action" => "Action", "행위";
    "audit.target" => "Target", "대상";
    "audit.detail" => "Detail", "세부 내용";
    "audit.system" => "system", "시스템";
    "audit.older" => "Older entries", "이전 기록";

    "error.title" => "Error", "오류";
    "error.not_found" => "Not found", "찾을 수 없음";
    "error.not_found_text" => "There is no such page or record, or it is not shared with your agency.", "해당 페이지나 기록이 없거나 소속 기관에 공유되지 않았습니다.";
    "error.forbidden" => "Not allowed", "권한 없음";
    "error.forbidden_text" => "Your roles do not allow this.", "이 작업을 할 수 있는 역할이 없습니다.";
    "error.csrf" => "The form was stale or did not come from this site. Go back, reload the page and try again.", "양식이 만료되었거나 이 사이트에서 제출된 것이 아닙니다. 돌아가서 페이지를 새로 고친 뒤 다시 시도하십시오.";
    "error.bad_request" => "The request could not be read.", "요청을 읽을 수 없습니다.";
    "error.internal" => "Something went wrong on the server. The problem was logged.", "서버에 문제가 발생했으며 기록되었습니다.";
    "error.conflict" => "Conflict", "충돌";
    "error.invalid" => "Invalid input", "잘못된 입력";
    "error.home" => "Go to the dashboard", "대시보드로 가기";
    "error.no_page" => "Page not found", "페이지를 찾을 수 없음";
    "error.no_page_text" => "There is no page at this address. Check the address, or start again from the dashboard.", "이 주소에는 페이지가 없습니다. 주소를 확인하거나 대시보드에서 다시 시작하십시오.";

    // Field errors, by stable code (see web/field_error.rs). English pages show the
    // domain's own message where it gave one; these English texts are for problems
    // the web layer finds.
    "err.invalid_imo" => "not a valid IMO number: 7 digits, optionally prefixed with IMO, the last a check digit", "올바른 IMO 번호가 아닙니다. 'IMO'를 앞에 붙일 수 있는 7자리 숫자이며 마지막 자리는 검사 숫자입니다.";
    "err.invalid_mmsi" => "not a valid MMSI: 9 digits with valid maritime identification digits", "올바른 MMSI가 아닙니다. 유효한 해상 식별 숫자(MID)를 포함한 9자리 숫자여야 합니다.";
    "err.invalid_container_number" => "not a valid ISO 6346 container number", "올바른 ISO 6346 컨테이너 번호가 아닙니다. 소유자 코드 3자, 분류 문자(U, J, Z), 숫자 6자리와 검사 숫자로 된 11자입니다.";
    "err.invalid_phone_number" => "not a valid international phone number: '+' and the country calling code", "올바른 국제 전화번호가 아닙니다. '+'와 국가 번호로 시작하는 8~15자리 숫자를 입력하십시오.";
    "err.invalid_country_code" => "not an ISO 3166-1 country code", "올바른 ISO 3166-1 국가 코드가 아닙니다.";
    "err.invalid_email_address" => "not a valid e-mail address", "올바른 이메일 주소가 아닙니다.";
    "err.empty" => "must not be empty", "비워 둘 수 없습니다.";
    "err.max_chars" => "must be at most {0} characters", "{0}자 이하로 입력하십시오.";
    "err.control_characters" => "must not contain control characters", "제어 문자를 포함할 수 없습니다.";
    "err.withdraw_status" => "use the withdraw action to withdraw a record", "기록을 철회하려면 철회 기능을 사용하십시오.";
    "err.red_needs_recipients" => "TLP:RED needs at least one named recipient agency", "TLP:RED 기록에는 수신 기관을 하나 이상 지정해야 합니다.";
    "err.recipient_self" => "the originating agency is not a recipient of its own record", "작성 기관은 자신의 기록의 수신 기관이 될 수 없습니다.";
    "record.audience" => "Who sees this record", "이 기록을 볼 수 있는 기관";
    "record.audience_none" => "Only your agency: no agreement, operation or disclosure shares it.", "우리 기관만 볼 수 있습니다: 이 기록을 공유하는 협정, 공동작전 또는 개별 공개가 없습니다.";
    "record.audience_operation" => "through a joint operation or a disclosure", "공동작전 또는 개별 공개를 통해";
    "err.recipient_below_red" => "{0} cannot receive TLP:RED: its agreements with {1} stop at {2}", "{0}은(는) TLP:RED를 받을 수 없습니다: {1}와(과)의 협정은 {2}까지입니다.";
    "err.recipient_no_agreement" => "{0} cannot receive this record: no agreement in force with {1} shares it", "{0}은(는) 이 기록을 받을 수 없습니다: {1}와(과) 이 기록을 공유하는 유효한 협정이 없습니다.";
    "err.recipients_not_red" => "only TLP:RED names recipients", "수신 기관은 TLP:RED 기록에만 지정합니다.";
    "err.max_drugs" => "at most {0} drugs", "마약류는 {0}개까지 지정할 수 있습니다.";
    "err.max_recipients" => "at most {0} recipients", "수신 기관은 {0}곳까지 지정할 수 있습니다.";
    "err.max_subjects" => "at most {0} subjects", "대상은 {0}개까지 입력할 수 있습니다.";
    "err.max_items" => "at most {0} drug items", "압수 마약류는 {0}건까지 입력할 수 있습니다.";
    "err.max_transit" => "at most {0} transit countries", "경유국은 {0}개국까지 입력할 수 있습니다.";
    "err.max_linked_reports" => "at most {0} linked reports", "연결된 보고서는 {0}건까지 지정할 수 있습니다.";
    "err.max_aliases" => "at most {0} aliases", "별칭은 {0}개까지 입력할 수 있습니다.";
    "err.future_date" => "must not be in the future", "미래의 날짜는 입력할 수 없습니다.";
    "err.at_sea_position" => "a seizure at sea needs a position", "해상 압수에는 위치(위도와 경도)가 필요합니다.";
    "err.items_required" => "at least one drug item", "압수 마약류를 하나 이상 입력하십시오.";
    "err.positive_number" => "must be a positive number", "0보다 큰 수를 입력하십시오.";
    "err.whole_tablets" => "tablets are counted in whole numbers", "정 단위 수량은 정수로 입력하십시오.";
    "err.vessel_identity" => "a vessel needs a name, IMO number, MMSI or call sign", "선박에는 이름, IMO 번호, MMSI 또는 호출부호 중 하나가 필요합니다.";
    "err.no_such_report" => "no such report", "해당 보고서를 찾을 수 없습니다.";
    "err.birth_date" => "must be a date like 1980-04-25", "1980-04-25 형식의 날짜를 입력하십시오.";
    "err.date" => "must be a date like 2026-05-01", "2026-05-01 형식의 날짜를 입력하십시오.";
    "err.subject_kind" => "unknown kind of subject", "알 수 없는 대상 종류입니다.";
    "err.subject_unreadable" => "this subject cannot be read; check its fields", "이 대상을 읽을 수 없습니다. 입력 항목을 확인하십시오.";
    "err.choose_tlp" => "choose a TLP label", "TLP 등급을 선택하십시오.";
    "err.agency_code" => "not a known agency code", "올바른 기관 코드가 아닙니다.";
    "err.status" => "must be draft or published", "임시 저장 또는 게시 중에서 선택하십시오.";
    "err.grading" => "grading must be a source reliability A-F followed by a credibility 1-6, like B2", "평가 등급은 출처 신뢰도 A–F와 정보 신빙성 1–6을 이어 쓴 값(예: B2)이어야 합니다.";
    "err.unknown_drug" => "unknown drug", "알 수 없는 마약류입니다.";
    "err.choose_place_kind" => "choose a kind of place", "장소 유형을 선택하십시오.";
    "err.choose_country" => "choose a country", "국가를 선택하십시오.";
    "err.choose_conveyance" => "choose a conveyance", "운송 수단을 선택하십시오.";
    "err.choose_drug" => "choose a drug", "마약류를 선택하십시오.";
    "err.choose_unit" => "choose a unit", "단위를 선택하십시오.";
    "err.number" => "must be a number", "숫자를 입력하십시오.";
    "err.latitude_range" => "latitude must be between -90 and 90", "위도는 -90에서 90 사이여야 합니다.";
    "err.longitude_range" => "longitude must be between -180 and 180", "경도는 -180에서 180 사이여야 합니다.";
    "err.position_decimal" => "latitude and longitude must be decimal degrees, like 35.1 and 129.04", "위도와 경도는 35.1, 129.04처럼 십진수 도 단위로 입력하십시오.";
    "err.position_both" => "give both latitude and longitude, or neither", "위도와 경도를 모두 입력하거나 둘 다 비워 두십시오.";
    "err.aliases_person_only" => "only a person has aliases", "별칭은 인물에만 입력할 수 있습니다.";
    "err.position_place_only" => "only a place has a position", "위치는 장소에만 입력할 수 있습니다.";
    // ---- deconfliction by name (branch deconflict): one block, to be moved into the
    // per-language catalogue files at merge ----
    "scheme.person_name" => "Person", "인물";
    "scheme.organisation_name" => "Organisation", "단체";
    "scheme.vessel_name" => "Vessel", "선박";
    "correlation.score" => "score", "점수";
    "correlation.bits" => "bits", "비트";
    "match.family_name" => "family name", "성";
    "match.given_name" => "given name", "이름";
    "match.name" => "name", "명칭";
    "match.birth_date" => "date of birth", "생년월일";
    "match.nationality" => "nationality", "국적";
    "match.registration" => "company registration", "법인 등록번호";
    "level.exact" => "exact", "일치";
    "level.equivalent" => "same in another spelling", "다른 표기로 일치";
    "level.close" => "close", "유사";
    "level.fuzzy" => "similar", "부분 유사";
    "level.partial" => "in part", "일부 일치";
    "level.same" => "same", "동일";
    "level.tail" => "same ending", "끝자리 일치";
    "level.same_year" => "same year", "같은 해";
    "level.shared_word" => "a word in common", "공통 단어";
    "level.similar" => "similar", "유사";
    "nav.deconfliction" => "Hits", "조회 알림";
    "hits.title" => "Deconfliction hits", "중복 수사 방지 알림";
    "hits.on_ours" => "Hits on our records", "우리 기관 기록에 대한 조회";
    "hits.on_ours_help" => "Officers of these agencies matched a record of ours they may not read. They were told only that we hold something and whom to contact. Disclose the record to their agency, or decline with a message they will read.", "다음 기관의 담당자가 열람 권한 밖의 우리 기관 기록과 일치했습니다. 상대 기관에는 우리 기관이 관련 기록을 보유하고 있다는 사실과 연락처만 알려졌습니다. 해당 기관에 기록을 공개하거나, 상대가 읽을 메시지와 함께 거절하십시오.";
    "hits.ours" => "Our hits on other agencies' records", "다른 기관 기록에 대한 우리 기관의 조회";
    "hits.none" => "None.", "없음.";
    "hits.when" => "When", "일시";
    "hits.record" => "Our record", "우리 기관 기록";
    "hits.by" => "Matched by", "조회 기관";
    "hits.on" => "On", "일치 항목";
    "hits.state" => "Answer", "답변";
    "hits.until" => "until", "공개 기한";
    "hits.disclose" => "Disclose", "공개";
    "hits.message" => "Message", "메시지";
    "hits.decline" => "Decline", "거절";
    "hits.state.open" => "awaiting an answer", "답변 대기";
    "hits.state.disclosed" => "disclosed", "공개됨";
    "hits.state.expired" => "disclosure ended", "공개 기한 만료";
    "hits.state.declined" => "declined", "거절됨";
    // ---- end of the deconfliction block ----
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages() {
        for key in KEYS {
            assert!(!Lang::En.t(key).is_empty(), "{key}");
            assert!(!Lang::Ko.t(key).is_empty(), "{key}");
        }
    }

    #[test]
    fn every_value_shown_by_key_has_a_message() {
        use interdict_core::record::{Conveyance, DrugType, PlaceKind, RecordKind, Unit};
        use interdict_core::{RecordStatus, Role, Scope};
        let mut keys: Vec<String> = Vec::new();
        keys.extend(DrugType::ALL.iter().map(|d| format!("drug.{}", d.as_str())));
        keys.extend(Unit::ALL.iter().map(|u| format!("unit.{}", u.as_str())));
        keys.extend(
            Conveyance::ALL
                .iter()
                .map(|c| format!("conveyance.{}", c.as_str())),
        );
        keys.extend(
            PlaceKind::ALL
                .iter()
                .map(|p| format!("place.{}", p.as_str())),
        );
        keys.extend(Scope::ALL.iter().map(|s| format!("scope.{}", s.as_str())));
        keys.extend(Role::ALL.iter().map(|r| format!("role.{}", r.as_str())));
        keys.extend(
            super::super::forms::SUBJECT_KINDS
                .iter()
                .map(|k| format!("subject.{k}")),
        );
        for status in [
            RecordStatus::Draft,
            RecordStatus::Published,
            RecordStatus::Withdrawn,
        ] {
            keys.push(format!("status.{}", status.as_str()));
        }
        for kind in [RecordKind::Report, RecordKind::Seizure] {
            for suffix in ["one", "list_title", "new", "edit"] {
                keys.push(format!("{}.{suffix}", kind.as_str()));
            }
        }
        keys.extend(
            interdict_core::alert::AlertKind::ALL
                .iter()
                .map(|k| format!("alert.{}", k.as_str())),
        );
        keys.extend(
            super::super::map::VESSEL_TYPES
                .iter()
                .map(|t| format!("map.type.{t}")),
        );
        for key in keys {
            assert!(lookup(&key).is_some(), "{key}");
        }
    }

    #[test]
    fn dates_per_language() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert_eq!(Lang::En.date(day), "21 Nov 2026");
        assert_eq!(Lang::Ko.date(day), "2026년 11월 21일");
    }

    #[test]
    fn numbers_have_separators() {
        assert_eq!(int(290_000), "290,000");
        assert_eq!(int(-1_234_567), "-1,234,567");
        assert_eq!(int(999), "999");
        assert_eq!(quantity(22.0), "22");
        assert_eq!(quantity(1250.5), "1,250.5");
    }

    #[test]
    fn accept_language_picks_by_quality() {
        assert_eq!(
            Lang::from_accept_language("ko-KR,ko;q=0.9,en;q=0.8"),
            Lang::Ko
        );
        assert_eq!(Lang::from_accept_language("en-US,ko;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("th,ko;q=0.3"), Lang::Ko);
        assert_eq!(Lang::from_accept_language("fr"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
    }

    #[test]
    fn every_literal_key_in_the_web_code_is_in_the_catalogue() {
        let sources = [
            include_str!("forms.rs"),
            include_str!("records.rs"),
            include_str!("field_error.rs"),
            include_str!("layout.rs"),
            include_str!("pages.rs"),
            include_str!("map.rs"),
            include_str!("deconflict.rs"),
        ];
        let mut n_keys = 0;
        for source in sources {
            // Keys passed to `t`, and every `err.…` key wherever it is written.
            for (marker, skip) in [(".t(\"", 4), ("\"err.", 1)] {
                for (at, _) in source.match_indices(marker) {
                    let rest = &source[at + skip..];
                    let Some(end) = rest.find('"') else { continue };
                    let key = &rest[..end];
                    if key.contains('.') && !key.contains([' ', '{']) {
                        assert!(lookup(key).is_some(), "{key} is not in the catalogue");
                        n_keys += 1;
                    }
                }
            }
        }
        assert!(n_keys > 100, "{n_keys}");
    }
}

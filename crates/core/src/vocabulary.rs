//! The controlled vocabularies in every language the node speaks: drugs, conveyance,
//! countries of the region and the places officers name most (ports, airports,
//! cities). A record is indexed with every spelling of each term it uses, so that
//! `필로폰` finds a record written with `methamphetamine` and `Incheon` one written
//! with `인천항`, whichever language the record was written in.
//!
//! Each group lists one term's spellings: English, Korean, Thai, and common
//! variants. A spelling in a script written without spaces (Hangul, Thai) is found
//! inside longer words (`인천항에서`); a Latin spelling is found as whole words.

/// Groups of spellings of one term.
pub const GROUPS: &[&[&str]] = &[
    // Drugs (the values of `DrugType`, with their street and trade names).
    &[
        "methamphetamine",
        "메트암페타민",
        "메스암페타민",
        "필로폰",
        "히로뽕",
        "ice",
        "crystal meth",
        "เมทแอมเฟตามีน",
        "ไอซ์",
        "ยาไอซ์",
    ],
    &["yaba", "야바", "ยาบ้า"],
    &["cocaine", "코카인", "โคเคน"],
    &["heroin", "헤로인", "เฮโรอีน"],
    &["opium", "아편", "ฝิ่น"],
    &[
        "cannabis",
        "marijuana",
        "대마",
        "대마초",
        "마리화나",
        "กัญชา",
    ],
    &["ketamine", "케타민", "เคตามีน"],
    &["mdma", "ecstasy", "엑스터시", "엑스터시정", "ยาอี"],
    &["fentanyl", "펜타닐", "เฟนทานิล"],
    &["lsd", "엘에스디"],
    &["ghb", "물뽕"],
    &[
        "new psychoactive substance",
        "신종마약",
        "신종 마약",
        "สารออกฤทธิ์ต่อจิตประสาทชนิดใหม่",
    ],
    &["precursor", "원료물질", "전구물질", "สารตั้งต้น"],
    // Conveyance.
    &[
        "sea container",
        "해상 컨테이너",
        "해상컨테이너",
        "ตู้คอนเทนเนอร์",
    ],
    &["vessel", "선박", "เรือ"],
    &[
        "air passenger",
        "항공 여행자",
        "항공여행자",
        "ผู้โดยสารเครื่องบิน",
    ],
    &["air cargo", "항공 화물", "항공화물", "สินค้าทางอากาศ"],
    &["express courier", "특송", "특송화물", "พัสดุด่วน"],
    &["post", "국제우편", "우편", "ไปรษณีย์"],
    // Countries of the region and of the routes.
    &[
        "korea",
        "republic of korea",
        "south korea",
        "대한민국",
        "한국",
        "เกาหลีใต้",
    ],
    &["thailand", "태국", "ประเทศไทย", "ไทย"],
    &["japan", "일본", "ญี่ปุ่น"],
    &["china", "중국", "จีน"],
    &["united states", "usa", "미국", "สหรัฐอเมริกา"],
    &["vietnam", "viet nam", "베트남", "เวียดนาม"],
    &["laos", "lao", "라오스", "ลาว"],
    &["myanmar", "burma", "미얀마", "เมียนมา", "พม่า"],
    &["cambodia", "캄보디아", "กัมพูชา"],
    &["malaysia", "말레이시아", "มาเลเซีย"],
    &["philippines", "필리핀", "ฟิลิปปินส์"],
    &["indonesia", "인도네시아", "อินโดนีเซีย"],
    &["taiwan", "대만", "ไต้หวัน"],
    &["hong kong", "홍콩", "ฮ่องกง"],
    &["mexico", "멕시코", "เม็กซิโก"],
    &["colombia", "콜롬비아", "โคลอมเบีย"],
    &["peru", "페루", "เปรู"],
    &["canada", "캐나다", "แคนาดา"],
    &["australia", "호주", "ออสเตรเลีย"],
    &["netherlands", "네덜란드", "เนเธอร์แลนด์"],
    &["germany", "독일", "เยอรมนี"],
    // Places officers name most.
    &["busan", "pusan", "부산", "ปูซาน"],
    &["incheon", "inchon", "인천", "อินชอน"],
    &["pyeongtaek", "평택"],
    &["gwangyang", "광양"],
    &["ulsan", "울산"],
    &["mokpo", "목포"],
    &["yeosu", "여수"],
    &["jeju", "cheju", "제주", "เชจู"],
    &["gimhae", "김해"],
    &["seoul", "서울", "โซล"],
    &["bangkok", "방콕", "กรุงเทพ"],
    &["laem chabang", "램차방", "แหลมฉบัง"],
    &["suvarnabhumi", "수완나품", "สุวรรณภูมิ"],
    &["don mueang", "돈므앙", "ดอนเมือง"],
    &["chiang rai", "치앙라이", "เชียงราย"],
    &["chiang mai", "치앙마이", "เชียงใหม่"],
    &["songkhla", "송클라", "สงขลา"],
    &[
        "golden triangle",
        "골든 트라이앵글",
        "황금의 삼각지대",
        "สามเหลี่ยมทองคำ",
    ],
    &["tokyo", "도쿄", "โตเกียว"],
    &["osaka", "오사카", "โอซากา"],
    &["shanghai", "상하이", "เซี่ยงไฮ้"],
    &["qingdao", "칭다오", "ชิงเต่า"],
    &["ho chi minh", "호찌민", "호치민", "โฮจิมินห์"],
    &["manila", "마닐라", "มะนิลา"],
    &["los angeles", "로스앤젤레스", "ลอสแอนเจลิส"],
];

/// Whether a spelling is written in a script without spaces between words.
fn is_dense(spelling: &str) -> bool {
    !spelling.is_ascii()
}

/// One automaton over every spelling, built once: a Latin spelling as ` word ` (whole
/// words of the folded text), a dense one as it is. Pattern `i` belongs to group
/// `GROUP_OF[i]`.
struct Matcher {
    automaton: aho_corasick::AhoCorasick,
    group_of: Vec<usize>,
}

fn matcher() -> &'static Matcher {
    static MATCHER: std::sync::OnceLock<Matcher> = std::sync::OnceLock::new();
    MATCHER.get_or_init(|| {
        let mut patterns = Vec::new();
        let mut group_of = Vec::new();
        for (g, group) in GROUPS.iter().enumerate() {
            for spelling in *group {
                patterns.push(if is_dense(spelling) {
                    (*spelling).to_owned()
                } else {
                    format!(" {spelling} ")
                });
                group_of.push(g);
            }
        }
        let automaton = aho_corasick::AhoCorasick::new(&patterns)
            .unwrap_or_else(|_| unreachable!("the spellings are a fixed, small set"));
        Matcher {
            automaton,
            group_of,
        }
    })
}

/// Lower case, and every run of characters that separate words one space, with a space
/// at each end, so that whole Latin words are found as ` word `.
fn folded(text: &str, out: &mut String) {
    out.clear();
    out.push(' ');
    for c in text.chars().flat_map(char::to_lowercase) {
        // Thai vowel and tone marks are not alphanumeric but belong to their word.
        if c.is_alphanumeric() || (!c.is_ascii() && !c.is_whitespace()) {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
}

/// The spellings in every language of each vocabulary term that `texts` use, to be
/// indexed beside them. One pass over each text.
pub fn equivalents<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<&'static str> {
    let matcher = matcher();
    let mut used = vec![false; GROUPS.len()];
    let mut buffer = String::new();
    for text in texts {
        folded(text, &mut buffer);
        // Overlapping, so that ` ice ` and ` crystal meth ` next to each other are both
        // seen, and a space is shared by neighbouring words.
        for found in matcher.automaton.find_overlapping_iter(buffer.as_str()) {
            used[matcher.group_of[found.pattern().as_usize()]] = true;
        }
    }
    GROUPS
        .iter()
        .zip(used)
        .filter(|(_, used)| *used)
        .flat_map(|(group, _)| group.iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_in_one_language_brings_the_others() {
        let found = equivalents(["22 kg methamphetamine at Incheon Airport"]);
        for expected in ["필로폰", "메트암페타민", "인천", "incheon"] {
            assert!(found.contains(&expected), "{expected}: {found:?}");
        }
        let found = equivalents(["인천항에서 필로폰 적발"]);
        for expected in ["methamphetamine", "incheon"] {
            assert!(found.contains(&expected), "{expected}: {found:?}");
        }
        let found = equivalents(["ยาบ้า 12406 เม็ด ที่ท่าอากาศยานสุวรรณภูมิ"]);
        for expected in ["yaba", "suvarnabhumi", "야바"] {
            assert!(found.contains(&expected), "{expected}: {found:?}");
        }
    }

    #[test]
    fn latin_spellings_match_whole_words_only() {
        // `ice` is a street name of methamphetamine, not a part of `police` or `price`.
        assert!(equivalents(["police checked the price"]).is_empty());
        assert!(equivalents(["nothing to see"]).is_empty());
        assert!(equivalents(["sea_container"]).contains(&"해상컨테이너"));
    }

    #[test]
    fn every_drug_and_conveyance_has_its_group() {
        use crate::record::{Conveyance, DrugType};
        for &drug in DrugType::ALL {
            if drug == DrugType::Other {
                continue;
            }
            let name = drug.as_str().replace('_', " ");
            assert!(
                equivalents([name.as_str()]).len() > 1,
                "{name} has no other spelling"
            );
        }
        for &conveyance in Conveyance::ALL {
            let name = conveyance.as_str().replace('_', " ");
            assert!(
                equivalents([name.as_str()]).len() > 1,
                "{name} has no other spelling"
            );
        }
    }
}

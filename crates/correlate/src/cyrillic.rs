//! Cyrillic to Latin, by the common passport-style letter values (close to BGN/PCGN
//! without diacritics), for Russian, Ukrainian and Belarusian letters.

/// Romanises a Cyrillic word (lower case input); other characters pass through.
pub fn romanise(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        let latin = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'ґ' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' | 'є' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' | 'і' => "i",
            'ї' => "yi",
            'й' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' | 'ў' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(latin);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_and_belarusian_names() {
        assert_eq!(romanise("васильев"), "vasilev");
        assert_eq!(romanise("александр"), "aleksandr");
        assert_eq!(romanise("павлович"), "pavlovich");
        assert_eq!(romanise("аляксандр"), "alyaksandr");
    }
}

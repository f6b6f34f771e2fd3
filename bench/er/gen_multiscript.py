#!/usr/bin/env python3
"""Generates a labelled set of person records whose names come in Korean
(Hangul, Revised Romanization, McCune-Reischauer, passport spellings), Thai
(Thai script, RTGS and informal spellings) and Latin (English names with
nicknames and typing errors), with dates of birth, nationalities, passports and
phones written in varied ways.

usage: gen_multiscript.py [--entities N] [--seed S] OUT.csv TRUTH.csv

OUT.csv has id,name,dob,nationality,passport,phone; TRUTH.csv has id,cluster.
Deterministic for a seed. Names are built from surname frequencies of the 2015
Korean census (Statistics Korea), common given-name syllables, Thai name
syllables with their RTGS transcription (Royal Institute), and common English
first names and surnames.
"""

import argparse
import csv
import random

# Korean surnames: Hangul, census share (%), spellings in use (the first is the
# most common passport spelling).
KO_SURNAMES = [
    ("김", 21.5, ["Kim", "Gim"]),
    ("이", 14.7, ["Lee", "Yi", "Rhee", "Ri", "I"]),
    ("박", 8.4, ["Park", "Pak", "Bak"]),
    ("최", 4.7, ["Choi", "Choe"]),
    ("정", 4.3, ["Jung", "Jeong", "Chung", "Chong"]),
    ("강", 2.3, ["Kang", "Gang"]),
    ("조", 2.1, ["Cho", "Jo"]),
    ("윤", 2.0, ["Yoon", "Yun"]),
    ("장", 2.0, ["Jang", "Chang"]),
    ("임", 1.7, ["Lim", "Im", "Rim"]),
    ("한", 1.5, ["Han"]),
    ("오", 1.5, ["Oh", "O"]),
    ("서", 1.5, ["Seo", "Suh", "So"]),
    ("신", 1.4, ["Shin", "Sin"]),
    ("권", 1.4, ["Kwon", "Gwon"]),
    ("황", 1.4, ["Hwang"]),
    ("안", 1.3, ["Ahn", "An"]),
    ("송", 1.3, ["Song"]),
    ("류", 1.2, ["Ryu", "Yoo", "Yu"]),
    ("홍", 1.1, ["Hong"]),
    ("전", 1.1, ["Jeon", "Jun", "Chon"]),
    ("고", 0.9, ["Ko", "Go"]),
    ("문", 0.9, ["Moon", "Mun"]),
    ("양", 0.9, ["Yang"]),
    ("손", 0.9, ["Son", "Sohn"]),
    ("배", 0.8, ["Bae", "Pae"]),
    ("백", 0.8, ["Baek", "Paek", "Paik"]),
    ("허", 0.6, ["Heo", "Hur", "Ho"]),
    ("남", 0.6, ["Nam"]),
    ("노", 0.5, ["Noh", "No", "Roh"]),
]

# Syllables common in Korean given names.
KO_GIVEN = list("민서지현준영수성우진은예하윤정혜경호재희동상태연원주승도유아인석철훈빈나용기선미규")

# Hangul jamo values, index order of Unicode (initial, vowel, final).
RR_I = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
RR_V = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"]
FIN = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]
MR_V = ["a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "u", "ui", "i"]
MR_I = ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch", "k", "t", "p", "h"]
VOICED = {0: "g", 3: "d", 7: "b", 12: "j"}


def jamo(syllable):
    code = ord(syllable) - 0xAC00
    return code // 588, (code % 588) // 28, code % 28


def rr(word):
    return "".join(RR_I[i] + RR_V[v] + FIN[f] for i, v, f in map(jamo, word))


def mr(word):
    out = []
    prev = None
    for i, v, f in map(jamo, word):
        voiced = prev is not None and FIN[prev] in ("", "n", "m", "ng", "l")
        if voiced and i in VOICED:
            ini = VOICED[i]
        elif i == 9 and v in (20, 16):
            ini = "sh"
        else:
            ini = MR_I[i]
        out.append(ini + MR_V[v] + FIN[f])
        prev = f
    return "".join(out)


def popular(word):
    """Passport-style spelling: eo as u, yeo as yu (you before ng), u as oo and
    i as ee in open syllables, an initial g as k."""
    out = []
    for n, (i, v, f) in enumerate(map(jamo, word)):
        ini = "k" if (i == 0 and n == 0) else RR_I[i]
        vow = RR_V[v]
        if v == 4:
            vow = "u"
        elif v == 6:
            vow = "you" if f == 21 else "yu"
        elif v == 13 and f == 0:
            vow = "oo"
        elif v in (19, 20) and f == 0 and i == 18:
            vow = "ee"
        out.append(ini + vow + FIN[f])
    return "".join(out)


# Thai name syllables: Thai script, RTGS, informal spellings.
TH_SYLLABLES = [
    ("สม", "som", ["som"]),
    ("ชาย", "chai", ["chai", "chay"]),
    ("ศักดิ์", "sak", ["sak", "sakdi"]),
    ("สุ", "su", ["su", "soo"]),
    ("ดา", "da", ["da", "dah"]),
    ("วิ", "wi", ["wi", "vi"]),
    ("ชัย", "chai", ["chai", "chay"]),
    ("ประ", "pra", ["pra"]),
    ("กิต", "kit", ["kit", "git"]),
    ("ติ", "ti", ["ti", "tti"]),
    ("พร", "phon", ["phon", "porn", "pon"]),
    ("ทิพย์", "thip", ["thip", "tip", "thipp"]),
    ("อรุณ", "arun", ["arun", "aroon"]),
    ("ศรี", "si", ["si", "sri", "see"]),
    ("บุญ", "bun", ["bun", "boon"]),
    ("มา", "ma", ["ma"]),
    ("ทอง", "thong", ["thong", "tong"]),
    ("คำ", "kham", ["kham", "kam"]),
    ("แสง", "saeng", ["saeng", "seang", "sang"]),
    ("จันทร์", "chan", ["chan", "jan"]),
    ("เพ็ญ", "phen", ["phen", "pen"]),
    ("ไพ", "phai", ["phai", "pai"]),
    ("รัตน์", "rat", ["rat", "ratt", "rath"]),
    ("นภา", "napha", ["napha", "napa"]),
    ("สุข", "suk", ["suk", "sook"]),
    ("ใจ", "chai", ["chai", "jai"]),
    ("ดี", "di", ["di", "dee"]),
    ("มณี", "mani", ["mani", "manee"]),
    ("วงศ์", "wong", ["wong", "vong"]),
    ("เจริญ", "charoen", ["charoen", "jaroen", "charern"]),
    ("ทรัพย์", "sap", ["sap", "sup"]),
    ("ยิ่ง", "ying", ["ying"]),
    ("ลักษณ์", "lak", ["lak", "luck"]),
    ("อนันต์", "anan", ["anan", "anant"]),
    ("สวัสดิ์", "sawat", ["sawat", "sawad"]),
    ("ภู", "phu", ["phu", "pu", "phoo"]),
    ("มิ", "mi", ["mi"]),
    ("นทร์", "n", ["n"]),
]

EN_FIRST = [
    ("Robert", ["Bob", "Rob", "Robbie"]), ("William", ["Bill", "Will"]), ("Thomas", ["Tom"]),
    ("James", ["Jim", "Jimmy"]), ("John", ["Jack", "Johnny"]), ("Michael", ["Mike"]),
    ("Elizabeth", ["Liz", "Beth"]), ("Margaret", ["Maggie", "Peggy"]), ("Katherine", ["Kate", "Kathy"]),
    ("Richard", ["Rick", "Dick"]), ("Susan", ["Sue"]), ("David", ["Dave"]), ("Daniel", ["Dan"]),
    ("Anthony", ["Tony"]), ("Patricia", ["Pat", "Trish"]), ("Jennifer", ["Jen"]), ("Mary", []),
    ("Linda", []), ("Sarah", ["Sally"]), ("Karen", []), ("Peter", ["Pete"]), ("Andrew", ["Andy"]),
    ("Steven", ["Steve"]), ("Edward", ["Ed", "Eddie"]), ("Charles", ["Charlie"]), ("Joseph", ["Joe"]),
]
EN_SURNAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "Wright", "Scott", "Green", "Baker", "Adams",
    "Nelson", "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner",
]


def weighted(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def typo(rng, s):
    """One typing error: a letter dropped, doubled, swapped or replaced."""
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return s[:i] + s[i + 1:]
    if kind == 1:
        return s[:i] + s[i] + s[i:]
    if kind == 2:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    letters = "aeioulnrst"
    return s[:i] + rng.choice(letters) + s[i + 1:]


def cap(s):
    return s[:1].upper() + s[1:]


def korean_entity(rng):
    hangul, _, spellings = weighted(rng, KO_SURNAMES, [s[1] for s in KO_SURNAMES])
    given = rng.choice(KO_GIVEN) + rng.choice(KO_GIVEN)
    return {"script": "ko", "family": hangul, "family_latin": spellings, "given": given}


def korean_name(rng, e):
    style = rng.random()
    if style < 0.25:
        return e["family"] + e["given"] if rng.random() < 0.8 else e["family"] + " " + e["given"]
    family = rng.choice(e["family_latin"]) if rng.random() < 0.5 else e["family_latin"][0]
    system = rng.random()
    if system < 0.35:
        given = rr(e["given"])
    elif system < 0.6:
        given = mr(e["given"])
    else:
        given = popular(e["given"])
    syll = [popular(c) if system >= 0.6 else (rr(c) if system < 0.35 else mr(c)) for c in e["given"]]
    sep = rng.random()
    if sep < 0.4:
        given_text = cap(syll[0]) + "-" + syll[1]
    elif sep < 0.6:
        given_text = cap(syll[0]) + " " + cap(syll[1])
    else:
        given_text = cap(given)
    if rng.random() < 0.1:
        given_text = typo(rng, given_text)
    order = rng.random()
    if order < 0.5:
        name = f"{family} {given_text}"
    elif order < 0.85:
        name = f"{given_text} {family}"
    else:
        name = f"{family.upper()}, {given_text}"
    return name.upper() if rng.random() < 0.3 else name


def thai_entity(rng):
    given = [rng.choice(TH_SYLLABLES[:-1]) for _ in range(2)]
    family = [rng.choice(TH_SYLLABLES[:-1]) for _ in range(rng.choice([2, 3]))]
    return {"script": "th", "given": given, "family": family}


def thai_name(rng, e):
    if rng.random() < 0.35:
        return "".join(s[0] for s in e["given"]) + " " + "".join(s[0] for s in e["family"])
    informal = rng.random() < 0.5
    def latin(parts):
        return cap("".join(rng.choice(s[2]) if informal else s[1] for s in parts))
    given, family = latin(e["given"]), latin(e["family"])
    if rng.random() < 0.1:
        family = typo(rng, family)
    name = f"{given} {family}" if rng.random() < 0.8 else f"{family.upper()} {given}"
    return name.upper() if rng.random() < 0.3 else name


def latin_entity(rng):
    first, nicks = rng.choice(EN_FIRST)
    return {"script": "en", "first": first, "nicks": nicks, "surname": rng.choice(EN_SURNAMES)}


def latin_name(rng, e):
    first = e["first"]
    r = rng.random()
    if r < 0.2 and e["nicks"]:
        first = rng.choice(e["nicks"])
    elif r < 0.3:
        first = typo(rng, first)
    surname = e["surname"] if rng.random() > 0.1 else typo(rng, e["surname"])
    return f"{first} {surname}" if rng.random() < 0.75 else f"{surname.upper()}, {first}"


def dob_text(rng, y, m, d, truth=True):
    if not truth:
        kind = rng.randrange(3)
        if kind == 0:
            d = min(28, d + rng.choice([1, -1])) or 1
        elif kind == 1 and d <= 12:
            m, d = d, m
        else:
            y = y + rng.choice([1, -1])
    fmt = rng.randrange(5)
    if fmt == 0:
        return f"{y:04d}-{m:02d}-{d:02d}"
    if fmt == 1:
        return f"{y:04d}.{m:02d}.{d:02d}"
    if fmt == 2:
        return f"{d:02d}/{m:02d}/{y:04d}" if d > 12 else f"{y:04d}{m:02d}{d:02d}"
    if fmt == 3:
        months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return f"{d} {months[m - 1]} {y}"
    return f"{y:04d}/{m:02d}/{d:02d}"


def phone_text(rng, country, national):
    code = {"KR": "82", "TH": "66", "US": "1"}[country]
    r = rng.randrange(3)
    if r == 0:
        return f"+{code} {national[:2]}-{national[2:6]}-{national[6:]}"
    if r == 1:
        return "0" + national if country != "US" else national
    return f"+{code}{national}"


def nationality_text(rng, country):
    forms = {"KR": ["KR", "KOR", "Korea", "South Korea"], "TH": ["TH", "THA", "Thailand"], "US": ["US", "USA"]}
    return rng.choice(forms[country])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("truth")
    ap.add_argument("--entities", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w", newline="", encoding="utf-8") as f_out, open(
        args.truth, "w", newline="", encoding="utf-8"
    ) as f_truth:
        out = csv.writer(f_out)
        truth = csv.writer(f_truth)
        out.writerow(["id", "name", "dob", "nationality", "passport", "phone"])
        truth.writerow(["id", "cluster"])
        row = 0
        for entity in range(args.entities):
            r = rng.random()
            if r < 0.45:
                e, country, make = korean_entity(rng), "KR", korean_name
            elif r < 0.8:
                e, country, make = thai_entity(rng), "TH", thai_name
            else:
                e, country, make = latin_entity(rng), "US", latin_name
            y, m, d = rng.randrange(1950, 2004), rng.randrange(1, 13), rng.randrange(1, 29)
            passport = f"{rng.choice('MSR')}{rng.randrange(10**7, 10**8)}"
            national = f"{rng.choice(['10', '81', '92', '20'])}{rng.randrange(10**7, 10**8)}"
            n_records = rng.choices([1, 2, 3, 4, 5], weights=[30, 30, 20, 12, 8])[0]
            for _ in range(n_records):
                name = make(rng, e)
                dob = ""
                if rng.random() < 0.85:
                    dob = dob_text(rng, y, m, d, truth=rng.random() < 0.9)
                nat = nationality_text(rng, country) if rng.random() < 0.6 else ""
                pp = ""
                if rng.random() < 0.3:
                    pp = passport if rng.random() < 0.7 else passport[0] + " " + passport[1:5] + "-" + passport[5:]
                ph = phone_text(rng, country, national) if rng.random() < 0.3 else ""
                out.writerow([f"r{row}", name, dob, nat, pp, ph])
                truth.writerow([f"r{row}", f"e{entity}"])
                row += 1


if __name__ == "__main__":
    main()

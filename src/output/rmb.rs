//! 人民币大写: an amount in the capital numerals a payroll total is written in, so that it cannot
//! be altered, by the rules of 《支付结算办法》 (附件一, 正确填写票据和结算凭证的基本规定):
//! one 零 for a run of zeros inside the number, none at the end of a group of four digits
//! before 万 or 亿, 整 after an amount that ends in 元 or 角, none after 分. (No crate for it is
//! well kept; the rules are few and tested here.)
use rust_decimal::Decimal;

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
/// The places inside a group of four digits, from the lowest.
const PLACES: [&str; 4] = ["", "拾", "佰", "仟"];
/// The groups of four digits, from the lowest: up to 亿 (under 10¹² yuan, far past any payroll).
const GROUPS: [&str; 3] = ["", "万", "亿"];

/// The amount in words, rounded to the fen half away from zero; `None` from 1 万亿 on.
pub fn in_words(amount: Decimal) -> Option<String> {
    let fen = crate::num::round_fen(amount).checked_mul(Decimal::ONE_HUNDRED)?;
    let fen: i128 = fen.trunc().try_into().ok()?;
    let (negative, fen) = (fen < 0, fen.unsigned_abs());
    let yuan = fen / 100;
    let (jiao, fen) = ((fen / 10 % 10) as usize, (fen % 10) as usize);
    let mut groups = Vec::new();
    let mut rest = yuan;
    while rest > 0 {
        groups.push((rest % 10_000) as usize);
        rest /= 10_000;
    }
    if groups.len() > GROUPS.len() {
        return None;
    }
    let mut s = String::new();
    if negative {
        s.push('负');
    }
    let mut written = false;
    // A zero is owed when zeros stand between two written digits.
    let mut zero = false;
    for (g, &digits) in groups.iter().enumerate().rev() {
        if digits == 0 {
            zero |= written;
            continue;
        }
        if written && digits < 1000 {
            zero = true;
        }
        let mut in_group = false;
        for place in (0..4).rev() {
            let d = digits / 10usize.pow(place as u32) % 10;
            if d == 0 {
                zero |= in_group;
                continue;
            }
            if zero {
                s.push('零');
                zero = false;
            }
            s.push(DIGITS[d]);
            s.push_str(PLACES[place]);
            in_group = true;
        }
        s.push_str(GROUPS[g]);
        written = true;
        // Zeros at the end of a group are said by its unit (壹拾万柒仟, not 壹拾万零柒仟).
        zero = false;
    }
    if written {
        s.push('元');
    }
    match (jiao, fen) {
        (0, 0) => {
            if !written {
                s.push_str("零元");
            }
            s.push('整');
        }
        (j, 0) => {
            s.push(DIGITS[j]);
            s.push_str("角整");
        }
        (0, f) => {
            if written {
                s.push('零');
            }
            s.push(DIGITS[f]);
            s.push('分');
        }
        (j, f) => {
            s.push(DIGITS[j]);
            s.push('角');
            s.push(DIGITS[f]);
            s.push('分');
        }
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> String {
        in_words(s.parse().unwrap()).unwrap()
    }

    #[test]
    fn whole_yuan_end_in_zheng() {
        assert_eq!(words("0"), "零元整");
        assert_eq!(words("10"), "壹拾元整", "a payroll writes 壹拾, never 拾");
        assert_eq!(words("1000"), "壹仟元整");
        assert_eq!(words("12600"), "壹万贰仟陆佰元整");
    }

    #[test]
    fn a_run_of_zeros_inside_is_one_ling_and_none_at_a_groups_end() {
        assert_eq!(words("1004.5"), "壹仟零肆元伍角整");
        assert_eq!(words("100010"), "壹拾万零壹拾元整");
        // 107,000.53: the zeros of 10|7000 end a group: no 零 before 柒仟.
        assert_eq!(words("107000.53"), "壹拾万柒仟元伍角叁分");
        assert_eq!(words("10100000"), "壹仟零壹拾万元整");
        assert_eq!(words("100000001"), "壹亿零壹元整");
        assert_eq!(words("1680.32"), "壹仟陆佰捌拾元叁角贰分");
    }

    #[test]
    fn jiao_and_fen() {
        assert_eq!(words("0.5"), "伍角整");
        assert_eq!(words("0.05"), "伍分", "no 零 before an amount that starts at 分");
        assert_eq!(words("1000.05"), "壹仟元零伍分", "the 角 between is 零");
        assert_eq!(words("3.14"), "叁元壹角肆分");
    }

    #[test]
    fn rounds_to_the_fen_half_away_from_zero_first() {
        // 2.345 → 2.35 (banker's rounding would give 2.34).
        assert_eq!(words("2.345"), "贰元叁角伍分");
        assert_eq!(words("-12.5"), "负壹拾贰元伍角整");
    }

    #[test]
    fn from_wan_yi_on_is_none() {
        assert!(in_words("1000000000000".parse().unwrap()).is_none());
        assert_eq!(
            words("999999999999.99"),
            "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"
        );
    }
}

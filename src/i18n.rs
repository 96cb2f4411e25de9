//! The interface's language: Chinese by default, English with `--lang en` or an English locale
//! (LC_ALL, LC_MESSAGES or LANG starting `en`). Messages are Project Fluent resources,
//! `locales/zh-CN.ftl` and `locales/en.ftl`, compiled in; every id is in both (a test holds
//! them to each other and to the command line's help).
//!
//! Why Fluent rather than a table of our own: plural and argument handling, and a format
//! translators know. Every message goes through here: `--help`, the run summary and notes,
//! each input problem, each rule-set problem, the commands' refusals and result lines. The
//! code asks with `msg!("id", name = value)`; an id says where it is used by its prefix
//! (`in-` an input cell, `rs-` a rule-set key, `dec-` a 决定 row, `par-` a 参数 row, `cmd-`,
//! `out-`, `usage-` the commands). What the workbooks and CSV files hold is never asked here:
//! the same inputs give the same bytes in either language.
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

pub const ZH: &str = include_str!("../locales/zh-CN.ftl");
pub const EN: &str = include_str!("../locales/en.ftl");

static LANG: OnceLock<Lang> = OnceLock::new();
static BUNDLES: OnceLock<[FluentBundle<FluentResource>; 2]> = OnceLock::new();

impl Lang {
    /// From `--lang` (zh, en, zh-CN, en-US …); `None` for another value.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") || s == "cn" {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// From the environment: the first of LC_ALL, LC_MESSAGES and LANG that is set and not
    /// empty; English when it starts `en`, else Chinese (C, POSIX and unset included: a
    /// township's server runs cron with no locale at all).
    pub fn from_env() -> Lang {
        let var = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        if var.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }
}

/// Sets the language, once, before anything is said; later calls change nothing.
pub fn set(lang: Lang) {
    let _ = LANG.set(lang);
}

/// The language in use (from the environment when nothing set it). The library's own unit
/// tests read English, whatever the machine's locale, since they assert English texts; the
/// Chinese ones are asserted through the binary (tests/language.rs).
pub fn lang() -> Lang {
    #[cfg(test)]
    return *LANG.get_or_init(|| Lang::En);
    #[cfg(not(test))]
    *LANG.get_or_init(Lang::from_env)
}

fn bundle(text: &str, tag: &str) -> FluentBundle<FluentResource> {
    // The resources are compiled in and tested: a syntax error cannot reach a user.
    let res = FluentResource::try_new(text.to_string()).unwrap_or_else(|(r, _)| r);
    let mut b = FluentBundle::new_concurrent(vec![tag.parse().unwrap_or_default()]);
    // No Unicode isolation marks around arguments: they would show as boxes in a terminal or
    // a cron mail.
    b.set_use_isolating(false);
    let _ = b.add_resource(res);
    b
}

fn bundles() -> &'static [FluentBundle<FluentResource>; 2] {
    BUNDLES.get_or_init(|| [bundle(ZH, "zh-CN"), bundle(EN, "en")])
}

/// The message `id` in the language in use, with `args`; the id itself if it is missing (a
/// test makes sure none is).
pub fn tr(id: &str, args: &[(&str, FluentValue)]) -> String {
    tr_in(lang(), id, args)
}

pub fn tr_in(lang: Lang, id: &str, args: &[(&str, FluentValue)]) -> String {
    let b = &bundles()[match lang {
        Lang::Zh => 0,
        Lang::En => 1,
    }];
    let Some(pattern) = b.get_message(id).and_then(|m| m.value()) else {
        return id.to_string();
    };
    let mut fa = FluentArgs::new();
    for (k, v) in args {
        fa.set(*k, v.clone());
    }
    let mut errors = Vec::new();
    b.format_pattern(pattern, Some(&fa), &mut errors).into_owned()
}

/// A message argument: its text as shown, so an amount or an id is never regrouped or
/// rounded by the formatter. A whole number (digits, no leading zero, at most 15 of them) is
/// passed as a number, which shows the same and lets a message choose its plural form.
pub fn arg(v: impl std::fmt::Display) -> FluentValue<'static> {
    let s = v.to_string();
    let whole =
        !s.is_empty() && s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    match s.parse::<u64>() {
        Ok(n) if whole => FluentValue::from(n),
        _ => FluentValue::from(s),
    }
}

/// `msg!("id")` or `msg!("id", name = value, …)`: the message in the language in use, each
/// value shown with `Display`.
#[macro_export]
macro_rules! msg {
    ($id:literal) => {
        $crate::i18n::t($id)
    };
    ($id:literal, $($k:ident = $v:expr),+ $(,)?) => {
        $crate::i18n::tr($id, &[$((stringify!($k), $crate::i18n::arg(&$v))),+])
    };
}

/// [`tr`] without arguments.
pub fn t(id: &str) -> String {
    tr(id, &[])
}

/// Whether `id` is a message of the language.
pub fn has(lang: Lang, id: &str) -> bool {
    bundles()[match lang {
        Lang::Zh => 0,
        Lang::En => 1,
    }]
    .has_message(id)
}

/// The message ids of a resource, in order.
pub fn ids(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
        .collect()
}

/// The command line with its help in the language in use: each command's about and each
/// argument's help from the resources (`help-<command>`, `help-<command>-<arg>`), the headings
/// and the help and version flags too.
pub fn localized(cmd: clap::Command) -> clap::Command {
    fn walk(cmd: clap::Command, path: &str) -> clap::Command {
        let id = if path.is_empty() {
            "help-gridscore".to_string()
        } else {
            format!("help-{path}")
        };
        let mut cmd = cmd
            .about(t(&id))
            .disable_help_flag(true)
            .disable_help_subcommand(true)
            .subcommand_help_heading(t("heading-commands"))
            .subcommand_value_name(t("heading-command"))
            .help_template(t("help-layout"));
        let args: Vec<String> = cmd.get_arguments().map(|a| a.get_id().to_string()).collect();
        let prefix = arg_prefix(path, &id);
        for a in args {
            let aid = format!("{prefix}-{a}");
            let heading = t(
                if cmd
                    .get_arguments()
                    .any(|x| x.get_id() == a.as_str() && x.is_positional())
                {
                    "heading-arguments"
                } else {
                    "heading-options"
                },
            );
            cmd = cmd.mut_arg(a.as_str(), |x| x.help(t(&aid)).help_heading(heading));
        }
        cmd = cmd.arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help(t("help-flag"))
                .help_heading(t("heading-options")),
        );
        let subs: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
        for s in subs {
            let sub_path = if path.is_empty() {
                s.clone()
            } else {
                format!("{path}-{s}")
            };
            cmd = cmd.mut_subcommand(s.as_str(), |c| walk(c, &sub_path));
        }
        cmd
    }
    let cmd = walk(cmd, "");
    cmd.disable_version_flag(true).arg(
        clap::Arg::new("version")
            .short('V')
            .long("version")
            .action(clap::ArgAction::Version)
            .help(t("help-version"))
            .help_heading(t("heading-options")),
    )
}

/// The id prefix of a command's arguments: the three runs share theirs (`help-run-period`).
fn arg_prefix(path: &str, id: &str) -> String {
    if ["quarter", "month", "year"].contains(&path) {
        "help-run".to_string()
    } else {
        id.to_string()
    }
}

/// Every message id the command line's help needs (for the test that both languages have it).
pub fn help_ids(cmd: &clap::Command) -> Vec<String> {
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        let id = if path.is_empty() {
            "help-gridscore".to_string()
        } else {
            format!("help-{path}")
        };
        let prefix = arg_prefix(path, &id);
        for a in cmd.get_arguments() {
            let a = a.get_id().as_str();
            if a != "help" && a != "version" {
                out.push(format!("{prefix}-{a}"));
            }
        }
        out.push(id);
        for s in cmd.get_subcommands() {
            let p = if path.is_empty() {
                s.get_name().to_string()
            } else {
                format!("{path}-{}", s.get_name())
            };
            walk(s, &p, out);
        }
    }
    let mut out = vec![
        "help-flag".into(),
        "help-version".into(),
        "help-layout".into(),
        "heading-commands".into(),
        "heading-command".into(),
        "heading-arguments".into(),
        "heading-options".into(),
    ];
    walk(cmd, "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_is_in_both_languages() {
        let (zh, en) = (ids(ZH), ids(EN));
        let mut a = zh.clone();
        let mut b = en.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b, "zh-CN.ftl and en.ftl hold the same ids");
        let mut dedup = a.clone();
        dedup.dedup();
        assert_eq!(dedup.len(), a.len(), "no id twice");
        for id in &zh {
            assert!(has(Lang::Zh, id) && has(Lang::En, id), "{id} does not parse in both");
        }
        // Each resource parses whole (a syntax error would drop a message silently).
        for text in [ZH, EN] {
            assert!(FluentResource::try_new(text.to_string()).is_ok());
        }
    }

    #[test]
    fn the_help_of_every_command_and_argument_is_in_both_languages() {
        use clap::CommandFactory;
        let cmd = crate::cli::Cli::command();
        for id in help_ids(&cmd) {
            assert!(has(Lang::Zh, &id), "zh-CN.ftl has no {id}");
            assert!(has(Lang::En, &id), "en.ftl has no {id}");
        }
    }

    #[test]
    fn every_id_the_code_asks_for_exists() {
        // t("…") and tr("…", …) calls in the source.
        let mut asked = Vec::new();
        fn scan(dir: &std::path::Path, asked: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    scan(&p, asked);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    for pat in ["i18n::t(", "i18n::tr(", "msg!("] {
                        for piece in text.split(pat).skip(1) {
                            // A literal id, perhaps on the next line; a variable is checked
                            // where its literals are.
                            let piece = piece.trim_start();
                            if let Some(rest) = piece.strip_prefix('"') {
                                if let Some((id, _)) = rest.split_once('"') {
                                    asked.push(id.to_string());
                                }
                            }
                        }
                    }
                    // Ids held in a variable first: `let id = if … { "run-skipped-own" } …`.
                    for piece in text.split("\"run-").skip(1) {
                        if let Some((id, _)) = piece.split_once('"') {
                            asked.push(format!("run-{id}"));
                        }
                    }
                }
            }
        }
        scan(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut asked,
        );
        assert!(asked.len() > 5, "{asked:?}");
        let is_id = |id: &str| id.len() > 4 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        for id in asked.into_iter().filter(|id| is_id(id)) {
            assert!(has(Lang::Zh, &id) && has(Lang::En, &id), "no message {id}");
        }
    }

    #[test]
    fn an_argument_shows_as_given_and_a_whole_number_chooses_the_plural() {
        // An id keeps its leading zero, an amount its decimals, a large count all its digits.
        for shown in ["0102", "3.50", "1234567", "2026Q3", "-5"] {
            assert_eq!(
                tr_in(Lang::En, "in-missing-sheet-none-test", &[]),
                "in-missing-sheet-none-test",
                "a missing id is itself"
            );
            let got = tr_in(Lang::En, "in-status", &[("known", arg(shown))]);
            assert_eq!(got, format!("statuses joined by 、 from: {shown}"));
        }
        // 1 error, 2 errors: the count is a number to Fluent.
        let one = tr_in(
            Lang::En,
            "rs-errors-heading",
            &[("name", arg("a.toml")), ("count", arg(1))],
        );
        let two = tr_in(
            Lang::En,
            "rs-errors-heading",
            &[("name", arg("a.toml")), ("count", arg(2))],
        );
        assert_eq!(
            (one.as_str(), two.as_str()),
            ("rule set a.toml has 1 error:", "rule set a.toml has 2 errors:")
        );
    }

    #[test]
    fn the_language_comes_from_lang_or_the_flag_and_is_chinese_by_default() {
        assert_eq!(Lang::parse("en-US"), Some(Lang::En));
        assert_eq!(Lang::parse("zh"), Some(Lang::Zh));
        assert_eq!(Lang::parse("fr"), None);
        let n = FluentValue::from(3);
        assert_eq!(
            tr_in(Lang::Zh, "note-ties", &[("count", n.clone())]),
            "3 个组同分并列跨越名额线, 见评分表的说明表和名额表"
        );
        assert_eq!(
            tr_in(Lang::En, "note-ties", &[("count", n)]),
            "3 quota groups tie across a quota line: see the 说明 and 名额 sheets of the score workbook"
        );
    }
}

//! Several services in one stack (`include`): what merges where, and every clash between two
//! files reported with a place in each.

mod common;

use std::fs;
use std::path::Path;

use ccmon::diag::{self, Diags};
use common::TempDir;

const STACK: &str = r#"include = ["services/*.toml"]

[project]
name = "shop"

[[job]]
name = "node"
targets = ["localhost:9100"]

[[receiver]]
name = "ops"
[[receiver.webhook]]
url = "http://127.0.0.1:9095/alerts"
"#;

fn service(name: &str, team: &str, body: &str) -> String {
    format!("[service]\nname = \"{name}\"\nteam = \"{team}\"\n\n{body}")
}

fn job(name: &str, target: &str) -> String {
    format!("[[job]]\nname = \"{name}\"\ntargets = [\"{target}\"]\n\n")
}

fn alert(name: &str, job: &str) -> String {
    format!(
        "[[alert]]\nname = \"{name}\"\nkind = \"target_down\"\njob = \"{job}\"\nfor = \"1m\"\nseverity = \"warning\"\nsummary = \"down\"\n\n"
    )
}

fn receiver(name: &str) -> String {
    format!(
        "[[receiver]]\nname = \"{name}\"\n[[receiver.webhook]]\nurl = \"http://127.0.0.1:9096/{name}\"\n\n"
    )
}

/// A stack folder with `STACK` and the service files given, read as ccmon reads it.
fn stack(dir: &Path, files: &[(&str, String)]) -> ccmon::diag::source::Source {
    fs::create_dir_all(dir.join("services")).unwrap();
    fs::write(dir.join("monitoring.toml"), STACK).unwrap();
    for (name, text) in files {
        fs::write(dir.join("services").join(name), text).unwrap();
    }
    ccmon::load::include::read(&dir.join("monitoring.toml")).unwrap()
}

/// The diagnostics as JSON data.
fn diagnostics(
    src: &ccmon::diag::source::Source,
) -> (Option<ccmon::model::Model>, serde_json::Value) {
    let mut diags = Diags::default();
    let m = ccmon::compile(src, &mut diags);
    let json = diag::render_all_json(src, &diags);
    (m, serde_json::from_str(&json).unwrap())
}

#[test]
fn each_clash_between_two_files_is_reported_at_both() {
    let a = |body: String| service("checkout", "payments", &body);
    let b = |body: String| service("refunds", "payments", &body);
    let route = "[service.route]\nreceiver = \"ops\"\n\n".to_string();
    let cases: Vec<(&str, &str, String, String)> = vec![
        ("job name", "CM401", job("api", "a:1"), job("api", "b:1")),
        (
            "scraped port",
            "CM402",
            job("api", "a:1"),
            job("other", "a:1"),
        ),
        (
            "alert name",
            "CM401",
            job("api", "a:1") + &alert("Down", "api"),
            job("other", "b:1") + &alert("Down", "other"),
        ),
        ("receiver name", "CM401", receiver("team"), receiver("team")),
        (
            "dimension name",
            "CM401",
            "[[dimension]]\nname = \"d\"\ntitle = \"D\"\n\n".to_string(),
            "[[dimension]]\nname = \"d\"\ntitle = \"D\"\n\n".to_string(),
        ),
        ("default route of a team", "CM403", route.clone(), route),
    ];
    for (what, code, first, second) in cases {
        let tmp = TempDir::new("service-clash");
        let src = stack(tmp.path(), &[("a.toml", a(first)), ("b.toml", b(second))]);
        let (model, json) = diagnostics(&src);
        assert!(model.is_none(), "{what}: a clash compiles");
        let list = json.as_array().unwrap();
        let d = list
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("{what}: no {code} in {json:#}"));
        let file = |p: &serde_json::Value| p["file"].as_str().unwrap().to_string();
        let primary = file(&d["primary"]);
        let secondary = file(&d["secondary"][0]);
        assert!(primary.ends_with("services/b.toml"), "{what}: {d:#}");
        assert!(secondary.ends_with("services/a.toml"), "{what}: {d:#}");
        assert_eq!(d["file"].as_str().unwrap(), primary, "{what}");
        assert_eq!(list.len(), 1, "{what}: one clash, one diagnostic: {json:#}");
    }
}

#[test]
fn a_clash_with_the_stack_file_names_the_stack() {
    let tmp = TempDir::new("service-clash-stack");
    let src = stack(
        tmp.path(),
        &[(
            "a.toml",
            service("checkout", "payments", &job("node", "localhost:9101")),
        )],
    );
    let (_, json) = diagnostics(&src);
    let d = &json[0];
    assert_eq!(d["code"], "CM401", "{json:#}");
    assert!(
        d["primary"]["file"]
            .as_str()
            .unwrap()
            .ends_with("services/a.toml")
    );
    assert!(
        d["secondary"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("monitoring.toml")
    );
    // Lines are counted in each file.
    assert_eq!(d["primary"]["line"], 6);
    assert_eq!(d["secondary"][0]["line"], 7);
    let human = {
        let mut diags = Diags::default();
        ccmon::compile(&src, &mut diags);
        diag::render_all_human(&src, &diags)
    };
    assert!(human.contains("services/a.toml:6:8"), "{human}");
    assert!(human.contains(" ::: "), "{human}");
}

/// Each service's alerts go to its own rule file with the team's label, its SLO alerts carry
/// the label too, the team's route comes first and matches it, and each service's dashboard
/// shows its alerts only.
#[test]
fn services_merge_into_one_stack_each_in_its_own_files() {
    let tmp = TempDir::new("service-merge");
    let checkout = service(
        "checkout",
        "payments",
        &(job("checkout", "c:8080")
            + "[[dimension]]\nname = \"pay\"\ntitle = \"Pay\"\n\n[[dimension.slo]]\nname = \"pay-ok\"\nkind = \"availability\"\ntarget = \"99%\"\nerrors = 'http_requests_total{job=\"checkout\", code=~\"5..\"}'\ntotal = 'http_requests_total{job=\"checkout\"}'\n\n"
            + &alert("CheckoutDown", "checkout")
            + &receiver("payments")),
    );
    let search = service(
        "search",
        "discovery",
        &(job("search", "s:8080") + &alert("SearchDown", "search")),
    );
    let src = stack(
        tmp.path(),
        &[("checkout.toml", checkout), ("search.toml", search)],
    );
    let (m, json) = diagnostics(&src);
    let m = m.unwrap_or_else(|| panic!("{json:#}"));
    let b = ccmon::emit::emit(&m);
    let rules = |p: &str| b.files[&format!("prometheus/rules/{p}.rules.yml")].clone();
    let checkout = rules("checkout");
    assert!(checkout.contains("- alert: CheckoutDown\n"), "{checkout}");
    assert!(checkout.contains("team: payments\n"), "{checkout}");
    assert!(!checkout.contains("SearchDown"), "{checkout}");
    let search = rules("search");
    assert!(search.contains("- name: search\n"), "{search}");
    assert!(search.contains("team: discovery\n"), "{search}");
    let stack_rules = rules("shop");
    assert!(!stack_rules.contains("CheckoutDown") && !stack_rules.contains("SearchDown"));
    let slo = &b.files["prometheus/rules/shop.slo.rules.yml"];
    assert!(slo.contains("team: payments\n"), "{slo}");
    let prometheus = &b.files["prometheus/prometheus.yml"];
    for f in ["shop", "checkout", "search"] {
        assert!(
            prometheus.contains(&format!("- rules/{f}.rules.yml\n")),
            "{prometheus}"
        );
    }
    for f in ["checkout", "search"] {
        let test = &b.files[&format!("prometheus/tests/{f}.rules.test.yml")];
        assert!(
            test.contains(&format!("- ../rules/{f}.rules.yml\n")),
            "{test}"
        );
    }
    // The payments team's subtree; discovery declares no receiver: no subtree.
    let routes = &m.alertmanager.route.routes;
    let teams: Vec<_> = routes
        .iter()
        .flat_map(|r| r.matchers.iter())
        .filter(|x| x.name == "team")
        .map(|x| x.value.as_str())
        .collect();
    assert_eq!(teams, ["payments"]);
    let payments = routes
        .iter()
        .find(|r| r.matchers.iter().any(|x| x.name == "team"))
        .unwrap();
    assert_eq!(payments.receiver.as_deref(), Some("payments"));
    let dash = |uid: &str| {
        let d = &b.files[&format!("grafana/dashboards/{uid}.json")];
        serde_json::from_str::<serde_json::Value>(d).unwrap()
    };
    let titles = |d: &serde_json::Value| -> Vec<String> {
        d["panels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap().to_string())
            .collect()
    };
    let c = titles(&dash("shop-checkout"));
    assert!(
        c.iter().any(|t| t == "CheckoutDown") && !c.iter().any(|t| t == "SearchDown"),
        "{c:?}"
    );
    let s = titles(&dash("shop-search"));
    assert_eq!(s, ["SearchDown"]);
    let all = titles(&dash("shop"));
    assert!(all.iter().any(|t| t == "SearchDown") && all.iter().any(|t| t == "CheckoutDown"));
    // One datasource for them all.
    let datasources = b
        .files
        .keys()
        .filter(|p| p.starts_with("grafana/provisioning/datasources/"))
        .count();
    assert_eq!(datasources, 1);
}

/// A failing route test of a service file is reported at that file's line.
#[test]
fn route_tests_of_a_service_are_placed_in_its_file() {
    let tmp = TempDir::new("service-route-test");
    let body = receiver("payments")
        + "[[route_test]]\nname = \"wrong on purpose\"\nlabels = { alertname = \"X\", team = \"payments\" }\nexpect = [\"ops\"]\n";
    let src = stack(
        tmp.path(),
        &[("a.toml", service("checkout", "payments", &body))],
    );
    let (m, json) = diagnostics(&src);
    let m = m.unwrap_or_else(|| panic!("{json:#}"));
    let report = ccmon::dispatch::walk::run_tests(&m.alertmanager, &|l| {
        let p = src.place_of_line(l);
        format!("{}:{}", p.file, p.line)
    });
    assert_eq!(report.failures.len(), 1);
    assert!(
        report.failures[0].contains("services/a.toml:10)"),
        "{}",
        report.failures[0]
    );
}

/// An environment of the stack file overrides a service's entries by name, as the stack's own;
/// a mistake in the override is at the override's line in the stack file.
#[test]
fn environments_override_entries_of_service_files() {
    let tmp = TempDir::new("service-env");
    let checkout = service("checkout", "payments", &job("checkout", "c-1:8080"));
    stack(tmp.path(), &[("a.toml", checkout)]);
    let staging = |name: &str| {
        let over =
            format!("\n[[env.staging.job]]\nname = \"{name}\"\ntargets = [\"c-staging:8080\"]\n");
        let config = tmp.path().join("monitoring.toml");
        fs::write(&config, STACK.to_string() + &over).unwrap();
        let src = ccmon::load::include::read(&config).unwrap();
        let mut diags = Diags::default();
        let m = ccmon::compile_env(&src, Some("staging"), &mut diags).unwrap();
        (m, diag::render_all_human(&src, &diags))
    };
    let (m, human) = staging("checkout");
    let m = m.unwrap_or_else(|| panic!("{human}"));
    let j = m.jobs.iter().find(|j| j.name == "checkout").unwrap();
    assert_eq!(j.targets, ["c-staging:8080"]);
    // Overriding a job no file declares: at the override, in the stack file.
    let (m, human) = staging("chekout");
    assert!(m.is_none());
    assert!(human.contains("monitoring.toml:16:8"), "{human}");
    assert!(human.contains("did you mean `checkout`?"), "{human}");
}

//! The Ansible playbook `ccmon render` writes for `[[host]]`, run by the real
//! `ansible-playbook` with a local connection, each host into a temporary root of its own:
//! `--check` changes nothing, a real run leaves each root with exactly its host's folder, and
//! a second run changes nothing.

mod common;

use std::path::Path;
use std::process::Command;

use common::{TempDir, files_below, require_tool, root};

fn playbook(out: &Path, roots: &Path, check: bool) -> (bool, String) {
    let mut cmd = Command::new("ansible-playbook");
    cmd.current_dir(out)
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_HOST_KEY_CHECKING", "False")
        .env("ANSIBLE_LOCAL_TEMP", roots.join(".ansible-local"))
        .env("ANSIBLE_REMOTE_TEMP", roots.join(".ansible-remote"))
        .args([
            "-i",
            "ansible/inventory.yml",
            "ansible/playbook.yml",
            "-c",
            "local",
        ])
        .arg("-e")
        .arg(format!(
            "ccmon_root={}/{{{{ inventory_hostname }}}} ccmon_reload=false",
            roots.display()
        ))
        // The Python that has Ansible (`.ci/run` installs it with `python3 -m pip`) runs its
        // modules too, rather than one discovered on the machine.
        .arg("-e")
        .arg(format!("ansible_python_interpreter={}", python()));
    if check {
        cmd.arg("--check");
    }
    ccmon::tools::run(&mut cmd)
}

fn python() -> String {
    let (ok, out) = ccmon::tools::run(
        Command::new("python3").args(["-c", "import sys; print(sys.executable)"]),
    );
    assert!(ok, "{out}");
    out.trim().to_string()
}

#[test]
fn the_playbook_installs_each_hosts_folder_into_its_root() {
    if !require_tool("ansible-playbook") {
        return;
    }
    let d = TempDir::new("ansible");
    let out = d.path().join("out");
    let rendered = Command::new(env!("CARGO_BIN_EXE_ccmon"))
        .args(["render", "examples/fleet/monitoring.toml", "--out"])
        .arg(&out)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let roots = d.path().join("roots");
    std::fs::create_dir_all(&roots).unwrap();
    let hosts = ["monitor-1", "app-1", "app-2", "lb-1", "db-1"];

    let (ok, log) = playbook(&out, &roots, true);
    assert!(ok, "ansible-playbook --check failed:\n{log}");
    for h in hosts {
        assert!(
            files_below(&roots.join(h)).is_empty(),
            "--check wrote into {h}:\n{log}"
        );
    }

    let (ok, log) = playbook(&out, &roots, false);
    assert!(ok, "ansible-playbook failed:\n{log}");
    for h in hosts {
        let want = out.join("hosts").join(h);
        let got = roots.join(h);
        assert_eq!(files_below(&got), files_below(&want), "{h}:\n{log}");
        for f in files_below(&want) {
            assert_eq!(
                std::fs::read(got.join(&f)).unwrap(),
                std::fs::read(want.join(&f)).unwrap(),
                "{h}/{f}"
            );
        }
    }
    assert!(
        log.contains("monitor-1") && log.contains("changed="),
        "{log}"
    );

    // Nothing to change the second time.
    let (ok, log) = playbook(&out, &roots, false);
    assert!(ok, "{log}");
    for h in hosts {
        let recap = log
            .lines()
            .find(|l| l.starts_with(h) && l.contains("ok="))
            .unwrap_or_else(|| panic!("no recap for {h}:\n{log}"));
        assert!(recap.contains("changed=0"), "{recap}");
    }
}

"""The one list of secret stores: which paths count, through ``..``, symlinks and case; and the
write tiers of places whose files run later or sync away."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.policy import pathrisk, places, secret_stores
from app.policy.tiers import Tier

# Stores the old hand-kept list did not name (read_file of them was auto-approved).
NEWLY_NAMED = [
    ".config/gh/hosts.yml", ".config/gcloud/application_default_credentials.json", ".cargo/credentials.toml",
    ".vault-token", ".azure/msal_token_cache.json", ".config/google-chrome/Default/Login Data",
    ".config/google-chrome/Default/Cookies", ".mozilla/firefox/abc.default/logins.json",
    ".mozilla/firefox/abc.default/key4.db", ".terraform.d/credentials.tfrc.json", ".config/hub",
    ".m2/settings.xml", ".gradle/gradle.properties", ".config/git/credentials",
    "Library/Application Support/Google/Chrome/Default/Login Data", "Library/Cookies/Cookies.binarycookies",
    "Library/Group Containers/2BUA8C4S2C.com.1password/Library/Application Support/1Password/Data/1password.sqlite",
    ".config/Bitwarden/data.json", ".config/BraveSoftware/Brave-Browser/Default/Login Data",
    ".bash_history", ".config/sops/age/keys.txt", ".local/share/TelegramDesktop/tdata/key_datas",
    ".ethereum/keystore/UTC--x", ".config/Signal/config.json",
]
ALWAYS_NAMED = [".ssh/id_rsa", ".gnupg/private-keys-v1.d/x.key", ".aws/credentials", ".kube/config",
                ".docker/config.json", ".netrc", ".pypirc", ".npmrc", ".git-credentials", ".password-store/a.gpg",
                ".local/share/keyrings/login.keyring", "Library/Keychains/login.keychain-db"]


@pytest.mark.parametrize("rel", NEWLY_NAMED + ALWAYS_NAMED)
def test_every_listed_store_reads_at_the_credentials_tier(fake_home: Path, rel: str) -> None:
    tier, why = pathrisk.read_tier(pathrisk.resolve(f"~/{rel}"))
    assert tier == Tier.CREDENTIALS, rel
    assert why


def test_ordinary_files_are_not_secrets(fake_home: Path) -> None:
    for rel in ("Documents/notes.txt", "Cookies recipes/choc.txt", ".config/nvim/init.lua", "src/ssh.py"):
        assert not pathrisk.is_credential_path(pathrisk.resolve(f"~/{rel}")), rel


def test_hearths_own_home_is_a_secret_store(hearth_home: Path) -> None:
    assert pathrisk.is_credential_path(hearth_home / "data" / "memory" / "chroma.sqlite3")
    assert pathrisk.is_credential_path(hearth_home / "audit" / "audit.jsonl")


def test_dotdot_and_symlinks_reach_the_store(fake_home: Path, tmp_path: Path) -> None:
    (fake_home / ".ssh").mkdir()
    (fake_home / ".ssh" / "id_ed25519").write_text("KEY")
    assert secret_stores.is_secret(fake_home / "Documents" / ".." / ".ssh" / "config")
    link = tmp_path / "innocent"
    link.symlink_to(fake_home / ".ssh")
    assert secret_stores.is_secret(link / "known_hosts")
    # The store itself a symlink elsewhere: its real place counts too.
    real = tmp_path / "dotfiles-gh"
    real.mkdir()
    (fake_home / ".config").mkdir()
    (fake_home / ".config" / "gh").symlink_to(real)
    assert secret_stores.is_secret(real / "hosts.yml")


def test_case_is_ignored_where_the_disk_ignores_it(fake_home: Path) -> None:
    upper = fake_home / ".SSH" / "ID_RSA.txt"
    assert secret_stores.is_secret(upper, fold=True)
    assert secret_stores.is_secret(fake_home / ".Config" / "GH" / "hosts.yml", fold=True)
    assert not secret_stores.is_secret(fake_home / ".Config" / "GH" / "hosts.yml", fold=False)


def test_case_probe_reads_the_disk(tmp_path: Path) -> None:
    folder = tmp_path / "Probe"
    folder.mkdir()
    # This Linux disk keeps case: the probe says so rather than assuming.
    assert places.case_insensitive_disk(folder / "x") is (tmp_path / "probe").exists()


def test_hide_list_names_existing_stores_in_all_their_forms(fake_home: Path, tmp_path: Path) -> None:
    (fake_home / ".ssh").mkdir()
    (fake_home / ".netrc").write_text("machine x password y")
    real = tmp_path / "aws-real"
    real.mkdir()
    (fake_home / ".aws").symlink_to(real)
    hidden = secret_stores.hide_list(fake_home)
    assert fake_home / ".ssh" in hidden and fake_home / ".netrc" in hidden
    assert real in hidden  # the symlink's target is hidden too, not only the link
    assert fake_home / ".gnupg" not in hidden  # absent stores are not listed


# Part 3: writes that the old tiers called "reversible".
RUNS_LATER = [
    "~/Library/LaunchAgents/com.x.plist", "~/.config/autostart/x.desktop", "~/.config/systemd/user/x.service",
    "~/.bashrc", "~/.zprofile", "~/.config/fish/config.fish", "~/bin/ls", "~/.local/bin/git",
    "~/proj/.vscode/tasks.json", "~/proj/.vscode/settings.json", "~/proj/.idea/workspace.xml",
    "~/proj/.git/hooks/pre-commit", "~/proj/.git/config", "/var/spool/cron/crontabs/me",
]
SYNCED = ["~/Dropbox/x.txt", "~/Library/Mobile Documents/com~apple~CloudDocs/x.txt", "~/OneDrive/x.txt",
          "~/Google Drive/x.txt", "~/OneDrive - Acme/x.txt", "~/Library/CloudStorage/GoogleDrive-me/x.txt"]


@pytest.mark.parametrize("raw", RUNS_LATER)
def test_places_that_run_code_are_credentials_tier(fake_home: Path, raw: str) -> None:
    tier, why = pathrisk.write_tier(pathrisk.resolve(raw, fake_home))
    assert tier == Tier.CREDENTIALS and why, raw


@pytest.mark.parametrize("raw", SYNCED)
def test_synced_folders_are_external(fake_home: Path, raw: str) -> None:
    tier, why = pathrisk.write_tier(pathrisk.resolve(raw, fake_home))
    assert tier == Tier.EXTERNAL and "synced" in why, raw


def test_folders_on_path_are_read_at_classification(fake_home: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    tools = tmp_path / "tools-bin"
    tools.mkdir()
    target = pathrisk.resolve(str(tools / "git"))
    assert pathrisk.write_tier(target)[0] == Tier.REVERSIBLE
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    tier, why = pathrisk.write_tier(target)
    assert tier == Tier.CREDENTIALS and "PATH" in why


def test_a_plain_document_stays_reversible(fake_home: Path) -> None:
    tier, _ = pathrisk.write_tier(pathrisk.resolve("~/Documents/plan.txt"))
    assert tier == Tier.REVERSIBLE


def test_tier_for_launch_agent_through_a_symlinked_parent(fake_home: Path, tmp_path: Path) -> None:
    agents = fake_home / "Library" / "LaunchAgents"
    agents.mkdir(parents=True)
    (tmp_path / "out").symlink_to(agents)
    tier, _ = pathrisk.write_tier(pathrisk.resolve(str(tmp_path / "out" / "x.plist")))
    assert tier == Tier.CREDENTIALS


def test_adding_the_home_folder_to_memory_reads_no_secret_store(fake_home: Path) -> None:
    """Memory's documents connector skips the same stores: a link to a key, or a text file inside an
    app's store, is never read into memory (where a read-only memory search would answer with it)."""
    from memory.connectors import documents
    from memory.items import Item, Skip

    (fake_home / ".ssh").mkdir()
    (fake_home / ".ssh" / "id_rsa").write_text("CANARY-KEY\n")
    signal = fake_home / "Library" / "Application Support" / "Signal"
    signal.mkdir(parents=True)
    (signal / "notes.txt").write_text("CANARY-SIGNAL\n")
    docs = fake_home / "Documents"
    docs.mkdir()
    (docs / "key.txt").symlink_to(fake_home / ".ssh" / "id_rsa")
    (docs / "plan.md").write_text("Plant tomatoes in May.\n")
    entries = list(documents.scan(fake_home).entries)
    texts = " ".join(" ".join(e.units) for e in entries if isinstance(e, Item))
    assert "tomatoes" in texts
    assert "CANARY" not in texts
    skipped = {Path(e.what).name for e in entries if isinstance(e, Skip) and "secret store" in e.reason}
    assert {"key.txt", "Signal"} <= skipped


def test_a_folder_of_eml_files_added_to_memory_skips_secret_stores(fake_home: Path) -> None:
    """The .eml scan walks the folder itself: a message inside an app's store, or a link to one, stays out."""
    from memory.connectors import mail
    from memory.items import Item, Skip

    message = "From: a@example.com\nSubject: {s}\nDate: Tue, 1 Dec 2026 10:00:00 +0000\n\n{s} body\n"
    store = fake_home / "Library" / "Application Support" / "Signal"
    store.mkdir(parents=True)
    (store / "secret.eml").write_text(message.format(s="CANARY-SIGNAL"))
    box = fake_home / "Mail"
    box.mkdir()
    (box / "ok.eml").write_text(message.format(s="Tomatoes"))
    (box / "link.eml").symlink_to(store / "secret.eml")
    for root in (fake_home, box):
        entries = list(mail.scan_eml(root).entries)
        texts = " ".join(" ".join(e.units) for e in entries if isinstance(e, Item))
        assert "Tomatoes" in texts and "CANARY" not in texts
        assert any(isinstance(e, Skip) and "secret store" in e.reason for e in entries)

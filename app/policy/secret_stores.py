"""Every place on disk that holds secrets: one list shared by the file tools, the shell classifier and
the sandbox (which hides them). Keep it complete: a store missing here is readable by commands that
run without asking.

Each entry is a path relative to the home folder (or absolute), for Linux, macOS or both. A path is
in a store when it is the store or anything under it, after ``~``, ``..`` and symlinks are resolved,
compared case-insensitively where the disk ignores case.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from app.policy import places

BOTH, LINUX, MAC = "both", "linux", "darwin"


@dataclass(frozen=True)
class Store:
    """One secret store: where it is, what it holds, and on which systems."""

    where: str  # relative to the home folder, or absolute
    what: str
    system: str = BOTH

    def path(self, home: Path) -> Path:
        return Path(self.where) if self.where.startswith("/") else home / self.where


_CHROMIUM_LINUX = ("google-chrome", "google-chrome-beta", "chromium", "BraveSoftware", "microsoft-edge",
                   "vivaldi", "opera")
_CHROMIUM_MAC = ("Google/Chrome", "Google/Chrome Beta", "Chromium", "BraveSoftware", "Microsoft Edge",
                 "Vivaldi", "com.operasoftware.Opera", "Arc/User Data")

STORES: tuple[Store, ...] = (
    # Keys and tokens of command-line tools.
    Store(".ssh", "SSH keys"),
    Store(".gnupg", "GnuPG keys"),
    Store(".aws", "AWS credentials"),
    Store(".azure", "Azure credentials"),
    Store(".config/gcloud", "Google Cloud credentials"),
    Store(".kube", "Kubernetes credentials"),
    Store(".docker", "Docker registry credentials"),
    Store(".config/gh", "GitHub CLI token"),
    Store(".config/hub", "hub (GitHub) token"),
    Store(".config/glab-cli", "GitLab CLI token"),
    Store(".cargo/credentials", "Cargo registry token"),
    Store(".cargo/credentials.toml", "Cargo registry token"),
    Store(".vault-token", "Vault token"),
    Store(".netrc", "network passwords"),
    Store(".pypirc", "PyPI token"),
    Store(".npmrc", "npm token"),
    Store(".yarnrc.yml", "Yarn registry token"),
    Store(".gem/credentials", "RubyGems token"),
    Store(".git-credentials", "git passwords"),
    Store(".config/git/credentials", "git passwords"),
    Store(".pgpass", "PostgreSQL passwords"),
    Store(".my.cnf", "MySQL passwords"),
    Store(".terraform.d/credentials.tfrc.json", "Terraform Cloud token"),
    Store(".m2/settings.xml", "Maven passwords"),
    Store(".m2/settings-security.xml", "Maven master password"),
    Store(".gradle/gradle.properties", "Gradle credentials"),
    Store(".config/rclone", "rclone cloud credentials"),
    Store(".s3cfg", "S3 credentials"),
    Store(".boto", "Google Cloud Storage credentials"),
    Store(".oci", "Oracle Cloud credentials"),
    Store(".config/doctl", "DigitalOcean token"),
    Store(".config/op", "1Password CLI"),
    Store(".cache/huggingface/token", "Hugging Face token"),
    Store(".huggingface/token", "Hugging Face token"),
    Store(".Xauthority", "X display key"),
    Store(".config/sops/age", "age keys"),
    Store(".config/containers/auth.json", "container registry credentials", LINUX),
    Store(".config/ngrok", "ngrok token"),
    Store(".ngrok2", "ngrok token"),
    Store(".config/configstore", "CLI tokens (Firebase and others)"),
    Store(".pulumi/credentials.json", "Pulumi token"),
    Store(".vercel", "Vercel token"),
    Store(".netlify", "Netlify token"),
    Store(".config/netlify", "Netlify token"),
    Store(".wrangler", "Cloudflare token"),
    # Shell and REPL histories: typed passwords and tokens end up here.
    Store(".bash_history", "shell history"),
    Store(".zsh_history", "shell history"),
    Store(".local/share/fish/fish_history", "shell history"),
    Store(".python_history", "Python history"),
    Store(".psql_history", "PostgreSQL history"),
    Store(".mysql_history", "MySQL history"),
    Store(".node_repl_history", "Node history"),
    # Crypto wallets.
    Store(".bitcoin", "Bitcoin wallet"),
    Store(".electrum", "Electrum wallet"),
    Store(".ethereum/keystore", "Ethereum keys"),
    Store("Library/Application Support/Bitcoin", "Bitcoin wallet", MAC),
    Store("Library/Ethereum/keystore", "Ethereum keys", MAC),
    Store(".config/Exodus", "Exodus wallet", LINUX),
    Store("Library/Application Support/Exodus", "Exodus wallet", MAC),
    # Messaging apps: a copied session is the account.
    Store(".config/Signal", "Signal keys", LINUX),
    Store("Library/Application Support/Signal", "Signal keys", MAC),
    Store(".local/share/TelegramDesktop/tdata", "Telegram session", LINUX),
    Store("Library/Application Support/Telegram Desktop/tdata", "Telegram session", MAC),
    Store(".config/Slack", "Slack session", LINUX),
    Store("Library/Application Support/Slack", "Slack session", MAC),
    Store(".config/discord", "Discord token", LINUX),
    Store("Library/Application Support/discord", "Discord token", MAC),
    # Password managers and keyrings.
    Store(".password-store", "pass passwords"),
    Store(".local/share/keyrings", "GNOME keyring", LINUX),
    Store(".local/share/kwalletd", "KDE wallet", LINUX),
    Store(".config/1Password", "1Password data", LINUX),
    Store(".config/Bitwarden", "Bitwarden data", LINUX),
    Store(".config/Bitwarden CLI", "Bitwarden CLI data"),
    Store(".config/KeePassXC", "KeePassXC settings", LINUX),
    Store("Library/Keychains", "macOS keychains", MAC),
    Store("/Library/Keychains", "macOS system keychain", MAC),
    Store("Library/Group Containers/2BUA8C4S2C.com.1password", "1Password data", MAC),
    Store("Library/Containers/com.1password.1password", "1Password data", MAC),
    Store("Library/Application Support/1Password", "1Password data", MAC),
    Store("Library/Application Support/Bitwarden", "Bitwarden data", MAC),
    Store("Library/Containers/com.bitwarden.desktop", "Bitwarden data", MAC),
    # Browser passwords and cookies (whole profiles: the key for their encryption sits beside them).
    *(Store(f".config/{b}", "browser passwords and cookies", LINUX) for b in _CHROMIUM_LINUX),
    *(Store(f"Library/Application Support/{b}", "browser passwords and cookies", MAC) for b in _CHROMIUM_MAC),
    Store(".mozilla/firefox", "Firefox passwords and cookies", LINUX),
    Store("snap/firefox/common/.mozilla/firefox", "Firefox passwords and cookies", LINUX),
    Store(".thunderbird", "Thunderbird passwords", LINUX),
    Store("Library/Application Support/Firefox", "Firefox passwords and cookies", MAC),
    Store("Library/Thunderbird", "Thunderbird passwords", MAC),
    Store("Library/Safari", "Safari data", MAC),
    Store("Library/Cookies", "Safari cookies", MAC),
    Store("Library/Containers/com.apple.Safari", "Safari data", MAC),
    # The system's own.
    Store("/etc/shadow", "system passwords", LINUX),
    Store("/etc/gshadow", "system passwords", LINUX),
    Store("/etc/ssh", "SSH host keys"),
    Store("/private/etc/ssh", "SSH host keys", MAC),
    Store("/etc/krb5.keytab", "Kerberos keys", LINUX),
    Store("/var/db/sudo", "sudo state", MAC),
)

# File names that hold secrets wherever they are.
SECRET_NAMES = frozenset({"id_rsa", "id_ed25519", "id_ecdsa", "id_dsa", "id_ecdsa_sk", "id_ed25519_sk",
                          "credentials", ".env", "login data", "logins.json", "key4.db", "key3.db",
                          "signons.sqlite", "cookies.sqlite", ".vault-token", ".netrc", ".git-credentials"})
SECRET_SUFFIXES = (".pem", ".key", ".p12", ".pfx", ".keychain", ".keychain-db", ".kdbx")


def _system() -> str:
    return MAC if sys.platform == "darwin" else LINUX


def hearth_places() -> list[Path]:
    """Hearth's own home: its settings, memory, conversations, audit log and models."""
    from app.paths import HOME_ENV, get_paths

    paths = get_paths()
    found = [paths.config_dir, paths.data_dir, paths.audit_dir, paths.models_dir, paths.logs_dir, paths.cache_dir]
    if os.environ.get(HOME_ENV):
        found.insert(0, Path(os.environ[HOME_ENV]).expanduser())
    return found


def store_paths(home: Path | None = None, system: str | None = None, *, every_system: bool = False) -> list[tuple[Path, str]]:
    """Every store as ``(path, what)`` for this system (both systems with ``every_system``)."""
    home = home or Path(os.path.expanduser("~"))
    system = system or _system()
    out = [(s.path(home), s.what) for s in STORES if every_system or s.system in (BOTH, system)]
    out.extend((p, "Hearth's own data") for p in hearth_places())
    return out


class Matcher:
    """:func:`find_store` for many paths: the stores gathered once (a search over a folder tree)."""

    def __init__(self, home: Path | None = None, fold: bool | None = None) -> None:
        listed = store_paths(home, every_system=True)
        self._what = dict(listed)
        self._places = places.PlaceSet(p for p, _ in listed)
        self._fold = fold

    def find(self, path: str | Path) -> str | None:
        hit = self._places.first(path, fold=self._fold)
        if hit is not None:
            return self._what[hit]
        for form in places.candidates(path):
            name = form.name.casefold()
            if name in SECRET_NAMES or name.endswith(SECRET_SUFFIXES):
                return "keys or passwords"
        return None


def find_store(path: str | Path, *, home: Path | None = None, fold: bool | None = None) -> str | None:
    """What secret ``path`` holds (a store, inside one, or a secret file name), or None.

    Stores of both systems count: a macOS store name on Linux is still a store worth asking about.
    """
    return Matcher(home, fold).find(path)


def is_secret(path: str | Path, *, home: Path | None = None, fold: bool | None = None) -> bool:
    return find_store(path, home=home, fold=fold) is not None


def hide_list(home: Path | None = None, system: str | None = None) -> list[Path]:
    """The stores that exist on this machine, for the sandbox to hide (each in all its forms)."""
    out: list[Path] = []
    for path, _what in store_paths(home, system, every_system=True):
        for form in places.candidates(path):
            if os.path.lexists(form) and form not in out:
                out.append(form)
    return out

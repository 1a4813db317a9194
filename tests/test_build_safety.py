"""Nothing of the user's is lost, and nothing blocks: the real CLI, the real MkDocs build.

Site folders that a build refuses, umask modes, a symlinked site, signals and
stale staging folders, two builds at once, I/O failures, and content that
looks like content but is not read.
"""

from __future__ import annotations

import ctypes
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Project, Run, live_signals, tree_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

STAMP = ".briefing-output"


def _environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(extra or {})
    return env


def _popen(project: Project, *args: str, preexec: Callable[[], None] | None = None, **kwargs) -> subprocess.Popen:
    def child() -> None:
        live_signals()
        if preexec is not None:
            preexec()

    return subprocess.Popen(
        [sys.executable, "-m", "briefing", *args], cwd=project.root, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=_environment(kwargs.pop("env", None)),
        preexec_fn=child,  # noqa: PLW1509 - only async-signal-safe calls (sigaction, umask, prctl, setrlimit)
        **kwargs,
    )


def _run(project: Project, *args: str, preexec: Callable[[], None] | None = None, timeout: float = 300) -> Run:
    with _popen(project, *args, preexec=preexec) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            pytest.fail(f"briefing {' '.join(args)} did not finish in {timeout} s (blocked?)")
    return Run(process.returncode, out, err)


def _user_files(root: Path) -> dict[str, bytes]:
    """Every file of the project but the compiled-template cache (which any run may write)."""
    return {name: data for name, data in tree_bytes(root).items() if not name.startswith(".cache/")}


def _staging_left(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob(".*.building-*")) + sorted(str(p) for p in folder.rglob(".*.old*"))


def _without_root_powers() -> None:
    """In the child: as root, give up the power to ignore file permissions (chmod then bites)."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture
def built(example_project: Project) -> tuple[Project, dict[str, bytes]]:
    """The example project, built once: its site's bytes."""
    run = example_project.run("build")
    assert run.code == 0, run.stderr
    return example_project, tree_bytes(example_project.site)


# -- 6: content that looks like content is never skipped silently; nothing blocks ----------------


def test_lookalike_and_special_files_in_content_are_reported(example_project: Project) -> None:
    briefings = example_project.content / "briefings"
    for name in ("x.YAML", "x.Yml", "x.yaml "):
        (briefings / name).write_text("id: x\n")
    os.mkfifo(briefings / "pipe.yaml")
    os.symlink("nowhere.yaml", briefings / "dangling.yaml")
    (briefings / "folder.yaml").mkdir()
    os.mkfifo(example_project.content / "actors" / "pipe.yml")
    for command in ("check", "build"):
        run = _run(example_project, command, timeout=60)
        assert run.code == 1, run.stderr
        assert "Traceback" not in run.stderr
        for name, severity in [
            ("x.YAML", "warning"), ("x.Yml", "warning"), ("x.yaml ", "warning"), ("folder.yaml", "warning"),
            ("pipe.yaml", "error"), ("dangling.yaml", "error"),
        ]:
            assert f"content/briefings/{name}:1:1: {severity}: " in run.stderr, (name, run.stderr)
        assert "content/actors/pipe.yml:1:1: error: cannot read file: it is a FIFO" in run.stderr
        assert "broken symbolic link (to 'nowhere.yaml')" in run.stderr
        assert "(rename it to 'x.yaml')" in run.stderr


def test_lookalikes_fail_strict_check(example_project: Project) -> None:
    (example_project.content / "briefings" / "x.YAML").write_text("id: x\n")
    run = _run(example_project, "check", "--strict")
    assert run.code == 1, run.stderr
    assert "content/briefings/x.YAML:1:1: warning: ignored" in run.stderr


def test_fifo_among_pages_does_not_hang_the_build(built) -> None:
    project, before = built
    os.mkfifo(project.root / "site_config" / "pages" / "pipe.md")
    os.mkfifo(project.root / "site_config" / "overrides" / "pipe.js")  # MkDocs skips it (not a file)
    run = _run(project, "build", timeout=60)
    assert run.code == 1, run.stderr
    assert "site_config/pages/pipe.md is a FIFO (named pipe), not a regular file" in run.stderr
    assert "Traceback" not in run.stderr
    assert tree_bytes(project.site) == before


_SUFFIX = st.sampled_from([".yaml", ".yml", ".yaml~", ".yaml.bak", ".json", ".md", ".txt"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stem=st.text(st.characters(codec="utf-8", exclude_characters="/\x00."), min_size=1, max_size=8),
    suffix=_SUFFIX,
    case=st.lists(st.booleans(), min_size=9, max_size=9),
    tail=st.sampled_from(["", " ", "\t", "  ", "\u00a0", "\u200b"]),
)
def test_every_name_that_looks_like_content_is_read_or_reported(tmp_path: Path, stem, suffix, case, tail) -> None:
    from briefing.diagnostics import Diagnostics
    from briefing.discover import content_files

    cased = "".join(c.upper() if up else c for c, up in zip(suffix, case))
    name = f"{stem}{cased}{tail}"
    if name.startswith("."):
        return  # hidden files are not content (editor swap files, version control)
    folder = tmp_path / "briefings"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    try:
        (folder / name).write_text("id: x\n")
    except (OSError, UnicodeEncodeError):
        return  # a name this file system cannot hold
    diagnostics = Diagnostics()
    files = content_files(folder, diagnostics)
    read = [f.name for f in files]
    reported = [d for d in diagnostics.items if d.path.endswith(name)]
    assert read == [name] or reported, (name, read, diagnostics.items)
    assert not (read and reported)


# -- 7: folders a build or render refuses ----------------------------------------------------


@pytest.mark.parametrize(
    "site_dir",
    ["content", "content/briefings", "templates", "site_config/overrides", "site_config/pages", "site_config",
     "README.md", "mkdocs.yml", ".", "..", "/", "site_config/pages/assets", ".git", ".git/objects"],
)
def test_build_refuses_to_replace_the_users_folders(example_project: Project, site_dir: str) -> None:
    (example_project.root / "README.md").write_text("mine\n")
    (example_project.root / ".git").mkdir()
    (example_project.root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    before = _user_files(example_project.root)
    run = example_project.run("build", "--site-dir", site_dir)
    assert run.code == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert "refusing to" in run.stderr or "should not be within the" in run.stderr  # MkDocs' own check
    assert _user_files(example_project.root) == before


@pytest.mark.parametrize("out", ["content", "templates", "site_config/pages", "site_config/overrides", ".", "..", "/", "mkdocs.yml"])
def test_render_refuses_to_replace_the_users_folders(example_project: Project, out: str) -> None:
    before = _user_files(example_project.root)
    run = example_project.run("render", "--out", out)
    assert run.code == 2, run.stderr
    assert "refusing to" in run.stderr and "choose another --out" in run.stderr
    assert "Traceback" not in run.stderr
    assert _user_files(example_project.root) == before


def test_foreign_folder_needs_force_and_own_output_does_not(example_project: Project) -> None:
    foreign = example_project.root / "www"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me\n")
    run = example_project.run("build", "--site-dir", "www")
    assert run.code == 2
    assert "folder with files that briefing did not write" in run.stderr and "--force" in run.stderr
    assert (foreign / "notes.txt").read_text() == "keep me\n"
    (example_project.root / ".git").mkdir()
    (example_project.root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    run = example_project.run("build", "--site-dir", ".git", "--force")
    assert run.code == 2 and "version control (.git)" in run.stderr, run.stderr
    assert (example_project.root / ".git" / "HEAD").is_file()
    assert example_project.run("build", "--site-dir", "www", "--force").code == 0
    assert (foreign / STAMP).is_file() and (foreign / "index.html").is_file()
    assert not (foreign / "notes.txt").exists()
    assert example_project.run("build", "--site-dir", "www").code == 0  # stamped: ours to replace
    out = example_project.root / "markdown"
    assert example_project.run("render", "--out", "markdown").code == 0
    assert (out / STAMP).is_file()
    assert example_project.run("render", "--out", "markdown").code == 0
    (example_project.root / "empty").mkdir()
    assert example_project.run("render", "--out", "empty").code == 0
    # A site built before output folders had a stamp is recognised as briefing's.
    (foreign / STAMP).unlink()
    assert example_project.run("build", "--site-dir", "www").code == 0
    (foreign / STAMP).unlink()
    index = foreign / "index.html"
    index.write_text(index.read_text().replace("Content-Security-Policy", "X"))
    assert example_project.run("build", "--site-dir", "www").code == 2


def test_site_dir_from_mkdocs_yml_is_checked_too(example_project: Project) -> None:
    config = example_project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_dir: site", "site_dir: content"))
    before = _user_files(example_project.root)
    run = example_project.run("build")
    assert run.code == 2, run.stderr
    assert "refusing to write to 'content': it is the content folder" in run.stderr
    plain = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"], check=False, cwd=example_project.root, capture_output=True, text=True,
        env=_environment(),
    )
    assert plain.returncode != 0
    assert "refusing to write to 'content'" in plain.stderr
    assert "Traceback" not in plain.stderr
    assert _user_files(example_project.root) == before


# -- 8: modes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_site_gets_the_modes_the_umask_gives(example_project: Project, umask: int) -> None:
    run = _run(example_project, "build", preexec=lambda: os.umask(umask))
    assert run.code == 0, run.stderr
    expected = 0o777 & ~umask
    assert example_project.site.stat().st_mode & 0o777 == expected
    for folder in (p for p in example_project.site.rglob("*") if p.is_dir()):
        assert folder.stat().st_mode & 0o777 == expected, folder


# -- 9: the site as a symbolic link, or a file ------------------------------------------------


def test_symlinked_site_is_built_into_its_target(example_project: Project, tmp_path: Path) -> None:
    web_root = tmp_path / "www" / "briefings"
    web_root.parent.mkdir()
    example_project.site.symlink_to(web_root)  # dangling at first: the first build makes it
    for _ in range(3):
        run = example_project.run("build")
        assert run.code == 0, run.stderr
        assert example_project.site.is_symlink()
        assert (web_root / "index.html").is_file() and (web_root / STAMP).is_file()
    assert _staging_left(example_project.root) == [] and _staging_left(web_root.parent) == []
    assert sorted(p.name for p in web_root.parent.iterdir()) == ["briefings"]


def test_site_that_is_a_file_is_refused(example_project: Project) -> None:
    example_project.site.write_text("not a folder\n")
    for _ in range(2):
        run = example_project.run("build")
        assert run.code == 2, run.stderr
        assert "refusing to replace 'site': it is a file, not a folder" in run.stderr
        assert "Traceback" not in run.stderr
    assert example_project.site.read_text() == "not a folder\n"


# -- 10: interrupted builds and stopped previews leave nothing behind -------------------------


def _wait_for_staging(project: Project, process: subprocess.Popen, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if list(project.root.glob(".site.building-*")):
            return True
        time.sleep(0.005)
    return False


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_signal_during_build_leaves_no_staging_folder(built, signum: int) -> None:
    project, before = built
    process = _popen(project, "build", "--max-marking", "TLP:AMBER")
    assert _wait_for_staging(project, process), "the build never made a staging folder"
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    assert process.returncode != 0
    assert "Traceback" not in err
    assert _staging_left(project.root) == []
    assert tree_bytes(project.site) == before


def test_stale_staging_folders_are_removed_and_reported(built) -> None:
    project, _ = built
    stale = project.root / ".site.building-deadbeef"
    (stale / "briefings").mkdir(parents=True)
    (stale / "briefings" / "amber.html").write_text("TLP:AMBER\n")
    old = project.root / ".site.old"  # a site set aside by an earlier version: ours by its stamp
    old.mkdir()
    (old / ".briefing-output").write_text("written by briefing\n")
    unrelated = project.root / ".site.older-notes"
    unrelated.write_text("not ours\n")
    run = project.run("build")
    assert run.code == 0, run.stderr
    assert "removed 2 staging folder(s) left by an interrupted build" in run.stderr
    assert not stale.exists() and not old.exists()
    assert unrelated.read_text() == "not ours\n"


@pytest.mark.parametrize(
    ("command", "signum"), [("briefing", signal.SIGTERM), ("briefing", signal.SIGHUP), ("mkdocs", signal.SIGTERM)]
)
def test_stopped_serve_removes_its_preview_folder(
    example_project: Project, tmp_path: Path, command: str, signum: int
) -> None:
    # `briefing serve`, and plain `mkdocs serve` through the same plugin.
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", command, "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=example_project.root,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_environment({"TMPDIR": str(temp)}),
        preexec_fn=live_signals,  # noqa: PLW1509 - only sigaction
    )
    try:
        deadline = time.monotonic() + 120
        up = False
        while time.monotonic() < deadline and not up:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    up = response.status == 200
            except OSError:
                time.sleep(0.3)
        assert up, "serve did not come up"
        assert [p.name for p in temp.iterdir() if p.name.startswith("mkdocs_")], "no preview folder to remove"
        process.send_signal(signum)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert "Traceback" not in err
    assert [p.name for p in temp.iterdir() if p.name.startswith("mkdocs_")] == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_stop_as_the_build_exits_prints_no_traceback(built, signum: int) -> None:
    # The build is done and swapped in: a stop signal while the interpreter ends (Ctrl-C a moment
    # too late) has nothing left to stop. It printed a KeyboardInterrupt traceback from
    # Python's own shutdown code.
    project, before = built
    process = _popen(project, "build")
    assert process.stderr is not None
    said = ""
    while "built the site" not in said:
        line = process.stderr.readline()
        assert line, said
        said += line
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    assert "Traceback" not in said + err, said + err
    # 0, or 1 with "Aborted!" when the stop came before the command had its exit code
    assert process.returncode in (0, 1), said + err
    assert tree_bytes(project.site) == before
    assert _staging_left(project.root) == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_builds_killed_at_random_moments_leave_one_complete_site(built, seed: int) -> None:
    # SIGKILL and SIGINT at random moments of real builds: site/ is always one
    # complete build, and the next build leaves no staging folder anywhere.
    project, before = built
    chance = random.Random(seed)
    started = time.monotonic()
    assert project.run("--version").code == 0
    # Ctrl-C while the interpreter itself starts up gives Python's own traceback, before
    # any of our code runs: SIGINT comes once the command has started, SIGKILL at any time.
    startup = time.monotonic() - started
    started = time.monotonic()
    assert project.run("build").code == 0
    duration = time.monotonic() - started
    for kill in range(3):
        signum = (signal.SIGKILL, signal.SIGINT)[(seed + kill) % 2]
        earlier = set(_staging_left(project.root))  # from a build killed with SIGKILL before
        process = _popen(project, "build", "--max-marking", "TLP:AMBER")
        time.sleep(chance.uniform(startup if signum == signal.SIGINT else 0, duration * 1.1))
        process.send_signal(signum)
        _, err = process.communicate(timeout=120)
        assert "Traceback" not in err
        site = tree_bytes(project.site)
        assert site == before or site == _amber_site(project), "site/ is not one complete build"
        if signum == signal.SIGINT:  # it removes its own staging folder (maybe also the earlier ones)
            assert set(_staging_left(project.root)) <= earlier
    run = project.run("build")
    assert run.code == 0, run.stderr
    assert tree_bytes(project.site) == before
    assert _staging_left(project.root) == []
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith(".site")) == []


_AMBER: dict[str, dict[str, bytes]] = {}


def _amber_site(project: Project) -> dict[str, bytes]:
    """The complete AMBER build of the example (built once, elsewhere)."""
    if "site" not in _AMBER:
        out = project.root.parent / "amber-reference"
        run = project.run("build", "--max-marking", "TLP:AMBER", "--site-dir", str(out))
        assert run.code == 0, run.stderr
        _AMBER["site"] = tree_bytes(out)
    return _AMBER["site"]


# -- 11: two builds at once -------------------------------------------------------------------


def test_two_builds_at_once_never_mix_or_crash(built) -> None:
    project, before = built
    for _ in range(4):
        first, second = _popen(project, "build"), _popen(project, "build")
        results = [(p.wait(timeout=300), p.stderr.read()) for p in (first, second)]
        for process in (first, second):
            process.stdout.close()
            process.stderr.close()
        for code, err in results:
            assert "Traceback" not in err
            assert code == 0 or (code == 2 and "another build is running into 'site'" in err), err
        assert any(code == 0 for code, _ in results)
        assert tree_bytes(project.site) == before
        assert _staging_left(project.root) == []


def test_a_build_holding_the_lock_makes_another_exit_2(built) -> None:
    import fcntl

    project, before = built
    with open(project.root / ".site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run = project.run("build")
    assert run.code == 2, run.stderr
    assert "another build is running into 'site'" in run.stderr
    assert tree_bytes(project.site) == before


# -- 12: I/O failures are one diagnostic each ---------------------------------------------------


@pytest.mark.parametrize(
    ("path", "code", "message"),
    [
        ("content/actors", 1, "content/actors:1:1: error: cannot read folder: Permission denied"),
        ("content/actors/iran.yaml", 1, "content/actors/iran.yaml:1:1: error: cannot read file: Permission denied"),
        ("templates/briefing.md.j2", 1, "templates/briefing.md.j2:1:1: error: cannot read template: Permission denied"),
        ("site_config/pages/about.md", 1, "site_config/pages/about.md: cannot read: Permission denied"),
        ("mkdocs.yml", 2, "mkdocs.yml: cannot read: Permission denied"),
    ],
)
def test_unreadable_inputs_are_one_diagnostic(built, path: str, code: int, message: str) -> None:
    project, before = built
    (project.root / path).chmod(0)
    run = _run(project, "build", preexec=_without_root_powers)
    assert run.code == code, run.stderr
    assert run.stderr.count(message) == 1, run.stderr
    assert "Traceback" not in run.stderr
    if path != "content/actors/iran.yaml":  # (its actors are then unknown where briefings name them)
        diagnostics = re.findall(r"^(?:\S+:\d+:\d+: error: |ERROR: )", run.stderr, re.MULTILINE)
        assert len(diagnostics) <= 1, run.stderr  # the cause, not what follows from it
    assert tree_bytes(project.site) == before


def test_read_only_project_folder_is_one_diagnostic(built) -> None:
    project, before = built
    project.root.chmod(0o555)
    try:
        run = _run(project, "build", preexec=_without_root_powers)
    finally:
        project.root.chmod(0o755)
    assert run.code == 1, run.stderr
    assert ".site.lock: Permission denied" in run.stderr
    assert "Traceback" not in run.stderr
    assert tree_bytes(project.site) == before


def _mount_small_disk(mount: Path, size: int) -> bool:
    """A tmpfs of ``size`` bytes at ``mount`` (root only); False where that is not possible."""
    if os.geteuid() != 0:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], check=False, capture_output=True
    )
    return done.returncode == 0


def _disk_usage(folder: Path) -> int:
    """Bytes the files of ``folder`` take on a tmpfs (whole 4 KiB pages)."""
    return sum(-(-p.stat().st_size // 4096) * 4096 for p in folder.rglob("*") if p.is_file())


def test_disk_full_while_writing_the_site_is_one_diagnostic(built, tmp_path: Path) -> None:
    project, _ = built
    mount = tmp_path / "disk"
    mount.mkdir()
    # A disk that holds one built site but not a second one beside it: the next build fills it.
    mounted = _mount_small_disk(mount, _disk_usage(project.site) * 3 // 2)
    try:
        if mounted:  # a real full disk: ENOSPC
            site = mount / "site"
            limit, cause = None, "No space left on device"
        else:  # no tmpfs without root: a file size limit gives EFBIG on the same writes
            site = project.site
            limit, cause = 64 * 1024, "File too large"
        first = project.run("build", "--site-dir", str(site))
        assert first.code == 0, first.stderr
        before = tree_bytes(site)

        def limited() -> None:
            if limit is not None:
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        run = _run(project, "build", "--site-dir", str(site), "--max-marking", "TLP:AMBER", preexec=limited)
        assert run.code == 1, run.stderr
        assert f"cannot write {os.path.relpath(site, project.root)}: {cause}; the site was not changed" in run.stderr
        assert "Traceback" not in run.stderr
        assert tree_bytes(site) == before
        assert _staging_left(site.parent) == []
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(mount)], check=False)


def test_export_folder_gets_the_same_guarantees(example_project: Project) -> None:
    # `briefing export --out` writes through the same staging as the site: umask modes, a lock, one swap.
    import fcntl

    run = _run(example_project, "export", "--format", "csv", "--out", "exports", preexec=lambda: os.umask(0o022))
    assert run.code == 0, run.stderr
    out = example_project.root / "exports"
    assert out.stat().st_mode & 0o777 == 0o755
    before = tree_bytes(out)
    with open(example_project.root / ".exports.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run = example_project.run("export", "--format", "csv", "--out", "exports")
    assert run.code == 2 and "another build is running into 'exports'" in run.stderr, run.stderr
    assert tree_bytes(out) == before
    assert example_project.run("export", "--format", "csv", "--out", "exports").code == 0
    assert _staging_left(example_project.root) == []


def test_a_users_folder_named_like_an_old_site_is_kept(example_project: Project) -> None:
    # `.site.old` is the name earlier versions set a site aside under; a folder of the
    # user's own by that name (a backup, say) is not ours to remove.
    backup = example_project.root / ".site.old"
    backup.mkdir()
    (backup / "notes.txt").write_text("mine", encoding="utf-8")
    run = example_project.run("build")
    assert run.code == 0, run.stderr
    assert (backup / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_stop_whose_interrupt_was_lost_never_swaps(tmp_path: Path) -> None:
    """Python drops a KeyboardInterrupt raised inside a finaliser; the stop still holds at the swap."""
    from briefing.site import staging
    from briefing.site.destination import Protected

    project = tmp_path / "project"
    project.mkdir()
    site = project / "site"
    first = staging.begin(site, Protected(project))
    (first.folder / "index.html").write_text("first build\n")
    staging.finish(first)
    assert (site / "index.html").read_text() == "first build\n"
    assert sorted(p.name for p in project.iterdir()) == ["site"]  # the swap left nothing beside it

    second = staging.begin(site, Protected(project))
    (second.folder / "index.html").write_text("second build\n")
    staging._STOPPING.append(signal.SIGINT)  # the handler ran, but its exception never arrived
    try:
        with pytest.raises(KeyboardInterrupt):
            staging.finish(second)
    finally:
        staging._STOPPING.clear()
        staging.abandon(second)
    assert (site / "index.html").read_text() == "first build\n"
    assert sorted(p.name for p in project.iterdir()) == ["site"]

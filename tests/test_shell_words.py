"""The shell-word analysis that finds the files a command needs.

tests/data/shell_words.yaml holds real commands from the real-world corpus
with what each needs (reviewed by hand); the table below adds the shell
constructs the corpus uses rarely.  The last tests run every command of the
corpus and check that what is found is always a plain path.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from helpers import CORPUS

from yamlcheck.repository.commands import FILE, Reference, file_references
from yamlcheck.repository.programs import FOLDER

TABLE = Path(__file__).parent / "data" / "shell_words.yaml"
ROWS = yaml.safe_load(TABLE.read_text())


def script_of(command: str | list[str]) -> str:
    return command if isinstance(command, str) else "\n".join(command)


def described(reference: Reference) -> str:
    if reference.kind == FILE:
        return reference.path
    where = f" in {reference.folder}" if reference.folder else ""
    return f"{reference.kind}:{reference.text}{where}"


def needs(script: str) -> list[str]:
    """What the commands need, folders a `cd` goes to aside (tested apart)."""
    return [described(r) for r in file_references(script) if r.kind != FOLDER]


def test_the_table_has_a_hundred_real_commands() -> None:
    assert len(ROWS) >= 100
    assert sum(1 if isinstance(r["command"], str) else len(r["command"]) for r in ROWS) >= 300
    assert len({r["from"] for r in ROWS}) >= 60


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["from"].split("__")[0])
def test_real_command(row: dict) -> None:
    script = script_of(row["command"])
    assert needs(script) == row["needs"]
    for reference in file_references(script):  # each points at its word
        assert script[reference.start:reference.end] == reference.text


CONSTRUCTS = [
    # quoting, escapes and continuations
    ('python "train.py" --name "a b"', ["train.py"]),
    ("python 'my script.py'", ["my script.py"]),
    ("python tr\\\nain.py", ["train.py"]),
    ("python \\\n  -u \\\n  train.py \\\n  --epochs 3", ["train.py"]),
    ("python train.py # python commented.py", ["train.py"]),
    # sequences, pipes and background jobs
    ("python a.py; python b.py && python c.py | tee log.txt &", ["a.py", "b.py", "c.py"]),
    ("python a.py 2>&1 | tee out.log", ["a.py"]),
    ("time -p python a.py > /valohai/outputs/log.txt", ["a.py"]),
    # guarded commands are not reported
    ("python a.py || python b.py", []),
    ("test -f setup.sh && bash setup.sh", []),
    ("[[ -f x.py && -r x.py ]] && python x.py", []),
    ("if python check.py; then python a.py; else python b.py; fi; python c.py", ["c.py"]),
    ("while read f; do python $f; done < list.txt\npython d.py", ["d.py"]),
    ("for i in 1 2; do python loop.py $i; done", []),
    ('case "$MODE" in train) python t.py;; *) python e.py;; esac\npython z.py', ["z.py"]),
    ("run() { python inner.py; }\nrun\npython outer.py", ["outer.py"]),
    # folders
    ("cd src && python a.py && cd .. && python b.py", ["src/a.py", "b.py"]),
    ("cd /valohai/repository/src\npython a.py", ["src/a.py"]),
    ("cd /tmp && python a.py", []),
    ("cd $HOME\npython a.py", []),
    ("(cd sub && python a.py)\npython b.py", ["sub/a.py", "b.py"]),
    ("pushd sub\npython a.py\npopd\npython b.py", ["sub/a.py", "b.py"]),
    ("if [ -d sub ]; then cd sub; fi\npython a.py", []),
    ("python ../outside.py", []),
    # what earlier commands make
    ("echo 'print(1)' > gen.py && python gen.py", []),
    ("cat > gen.py <<'EOF'\nimport os\npython fake.py\nEOF\npython gen.py", []),
    ("wget -qO model.py https://example.com/m.py\npython model.py", []),
    ("wget https://example.com/tools/helper.py && python helper.py", []),
    ("curl -fsSLo get.sh https://example.com/install && bash get.sh", []),
    ("curl -O https://example.com/run.sh && bash run.sh", []),
    ("git clone --depth 1 https://github.com/org/tools.git && python tools/run.py", []),
    ("git clone git@github.com:org/repo.git code\npython code/main.py", []),
    ("unzip -q code.zip -d code && python code/main.py\npython main.py", ["main.py"]),
    ("unzip -q code.zip\npython main.py", []),
    ("tar xzf code.tgz -C lib && python lib/x.py\npython y.py", ["y.py"]),
    ("cp -r /valohai/inputs/code/scripts . && python scripts/run.py", []),
    ("mv /valohai/inputs/w/weights.py weights.py\npython weights.py", []),
    ("python -m venv env && env/bin/python run.py", ["module:venv", "run.py"]),
    ("uv venv && .venv/bin/python run.py", ["run.py"]),
    ("gunzip data.py.gz && python data.py", []),
    ("make && python build/out.py", []),
    # programs
    ("python3.11 -u -W ignore -X dev train.py", ["train.py"]),
    ("python -B -m pkg.sub.mod --flag", ["module:pkg.sub.mod"]),
    ("python -mpkg.mod", ["module:pkg.mod"]),
    ("cd src && python -m pkg.train", ["module:pkg.train in src"]),
    ("python -c 'print(1)' train.py", []),
    ("python - < script.py", []),
    ("python -m pip install -r reqs/base.txt -c reqs/constraints.txt", ["reqs/base.txt",
                                                                        "reqs/constraints.txt"]),
    ("pip3.11 install -qr requirements.txt", ["requirements.txt"]),
    ("pip install --requirement=req.txt --constraint c.txt -e .", ["req.txt", "c.txt"]),
    ("pip install -r https://example.com/req.txt", []),
    ("uv pip sync requirements.lock", ["requirements.lock"]),
    ("bash -e -o pipefail scripts/run.sh arg", ["scripts/run.sh"]),
    ("sh -c 'python x.py'", []),
    ("./run.sh --fast && bin/tool --x", ["run.sh", "bin/tool"]),
    ("/opt/app/run.sh", []),
    ("Rscript --vanilla analysis/fit.R", ["analysis/fit.R"]),
    ("Rscript -e 'source(\"x.R\")'", []),
    ("julia --project=. -t 4 main.jl", ["main.jl"]),
    ("node --require ./hook.js server.js", ["server.js"]),
    ("torchrun --standalone --nnodes=1 --nproc_per_node 8 train.py --lr 1", ["train.py"]),
    ("torchrun --nproc-per-node 2 -m pkg.train", ["module:pkg.train"]),
    ("accelerate launch --config_file acc.yaml --num_processes 2 train.py", ["train.py"]),
    ("deepspeed --num_gpus=2 main.py --deepspeed ds.json", ["main.py"]),
    ("python -m torch.distributed.launch --nproc_per_node=4 dist.py", ["dist.py"]),
    ("papermill -p alpha 0.1 nb/in.ipynb /valohai/outputs/out.ipynb", ["nb/in.ipynb"]),
    ("jupyter nbconvert --to notebook --execute a.ipynb --output=b.ipynb", ["a.ipynb"]),
    ("conda env create -f env/environment.yml -n x", ["env/environment.yml"]),
    ("conda install -y --file requirements.txt", ["requirements.txt"]),
    ("micromamba create -y -f conda.yaml", ["conda.yaml"]),
    ("gunicorn -w 4 -b 0.0.0.0:8000 app.server:app", ["app:app.server"]),
    ("gunicorn --chdir src app:app", []),
    ("streamlit run ui/app.py --server.port 8000", ["ui/app.py"]),
    # wrappers
    ("nohup env CUDA_VISIBLE_DEVICES=0 python train.py &", ["train.py"]),
    ("OMP_NUM_THREADS=1 timeout 3600 python train.py", ["train.py"]),
    ("sudo -E -u app python train.py", ["train.py"]),
    ("conda run -n base --no-capture-output python check.py", ["check.py"]),
    ("conda run --cwd sub python check.py", []),
    ("mpirun -np 4 --allow-run-as-root python train.py", ["train.py"]),
    ("xvfb-run -a python render.py", ["render.py"]),
    ("uv run --with pandas train.py", ["train.py"]),
    ("command -v python", []),
    # what is never checked
    ("python $SCRIPT {parameters}", []),
    ("python {parameter:script} {parameters}", []),
    ("python src/*.py", []),
    ("python ~/train.py", []),
    ("python /valohai/inputs/code/train.py", []),
]


@pytest.mark.parametrize(("script", "expected"), CONSTRUCTS, ids=[c[0][:40] for c in CONSTRUCTS])
def test_shell_construct(script: str, expected: list[str]) -> None:
    assert needs(script) == expected


def test_positions_inside_quotes_and_continuations() -> None:
    script = 'cd src \\\n  && python "train.py"'
    folder, reference = file_references(script)
    assert folder.kind == FOLDER and script[folder.start:folder.end] == "src"
    assert script[reference.start:reference.end] == "train.py"
    assert reference.path == "src/train.py" and reference.folder == "src"


@pytest.mark.parametrize(("script", "expected"), [
    ("cd src && python train.py", ["src"]),
    ("cd src\ncd lib && python x.py", ["src", "src/lib"]),
    ("pushd sub && popd", ["sub"]),
    ("cd /opt && cd - && cd ~ && cd $HOME && cd {parameter-value:dir}", []),
    ("mkdir -p out && cd out", []),  # made by the command: not required to exist
    ("git clone https://example.com/r.git && cd r", []),
])
def test_folders_a_cd_goes_to(script: str, expected: list[str]) -> None:
    assert [r.path for r in file_references(script) if r.kind == FOLDER] == expected


def _corpus_scripts() -> list[tuple[str, str]]:
    scripts = []
    for path in sorted((CORPUS / "real-world").glob("*.y*ml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue
        for item in data if isinstance(data, list) else []:
            for kind, key in (("step", "command"), ("endpoint", "server-command")):
                body = item.get(kind) if isinstance(item, dict) else None
                command = body.get(key) if isinstance(body, dict) else None
                pieces = command if isinstance(command, list) else [command]
                pieces = [p for p in pieces if isinstance(p, str)]
                if pieces:
                    scripts.append((path.name, "\n".join(pieces)))
    return scripts


_PLAIN_PATH = re.compile(r"[\w][\w.+-]*(?:/[\w.+-]+)*")


def test_every_corpus_command_yields_plain_paths() -> None:
    """All commands of the corpus: what is found is a plain relative path or
    module name inside the project, never an option, a URL or a glob."""
    if not (CORPUS / "real-world").is_dir():
        pytest.skip("the shared corpus is absent")
    scripts = _corpus_scripts()
    found = [r for _, script in scripts for r in file_references(script)]
    assert len(scripts) >= 350 and len(found) >= 400
    for reference in found:
        assert _PLAIN_PATH.fullmatch(reference.path), reference
        assert not reference.path.startswith(("../", "/")), reference

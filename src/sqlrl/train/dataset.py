"""Turn a sqlrl dataset into what TRL expects: a `prompt` column of chat messages (GRPO) or
prompt + completion (SFT), keeping the columns rewards need (db_path, gold_sql, ...)."""

from __future__ import annotations

from sqlrl.config import RunConfig
from sqlrl.errors import UserError


def load_rows(cfg: RunConfig, split: str, min_tables: int = 0):
    """The split's rows, on databases of at least `min_tables` tables, shuffled, the first `data.limit`."""
    from sqlrl.data import load_dataset

    ds = load_dataset(cfg.data.dataset, split, data_dir=cfg.data.data_dir, schema_format=cfg.data.schema_format,
                      schema_prune=cfg.data.schema_prune)
    if len(ds) == 0:
        raise UserError(f"dataset '{cfg.data.dataset}' split '{split}' has no examples.")
    if min_tables:
        ds = _on_large_schemas(ds, min_tables)
    ds = ds.shuffle(seed=cfg.data.seed)
    if cfg.data.limit:
        ds = ds.select(range(min(cfg.data.limit, len(ds))))
    return ds


def _on_large_schemas(ds, min_tables: int):
    from sqlrl.eval.schema_size import table_count

    before = len(ds)
    ds = ds.filter(lambda ex: (table_count(ex["db_path"]) or 0) >= min_tables)
    print(f"sqlrl: kept {len(ds)}/{before} examples on databases of at least {min_tables} tables")
    if len(ds) == 0:
        raise UserError(f"data.min_tables={min_tables} removes every example; lower it.")
    return ds


def prompt_dataset(cfg: RunConfig, split: str, tokenizer, with_answer: bool = False):
    """Rows with `prompt` and, for SFT, `completion`, plus the columns rewards need.

    GRPO gets the prompt as text, rendered exactly as evaluation renders it: TRL (1.16)
    applies chat templates with `add_generation_prompt=True`, which would close a pre-started
    assistant turn ("```sql\nSELECT") instead of continuing it. SFT gets chat messages without
    the prefix and the whole ideal assistant turn as the completion.
    """
    from sqlrl.prompts import get_template

    template = get_template(cfg.data.template)
    ds = load_rows(cfg, split, cfg.data.min_tables)
    if with_answer:
        ds = ds.map(lambda ex: _sft_pair(template.messages(ex), template, ex["gold_sql"]))
    else:
        ds = ds.map(lambda ex: {"prompt": grpo_prompt(tokenizer, template, ex)})
    if cfg.data.max_prompt_tokens:
        limit = cfg.data.max_prompt_tokens
        before = len(ds)
        ds = ds.filter(lambda ex: _prompt_tokens(tokenizer, ex["prompt"]) <= limit)
        print(f"sqlrl: kept {len(ds)}/{before} examples with prompts of at most {limit} tokens")
        if len(ds) == 0:
            raise UserError(f"data.max_prompt_tokens={limit} removes every example; "
                            "raise it or use a compact schema_format.")
    return ds


def grpo_prompt(tokenizer, template, example: dict) -> str:
    """The prompt text TRL tokenizes: evaluation's, without a BOS the tokenizer adds itself anyway."""
    from sqlrl.prompts import render_prompt

    text = render_prompt(tokenizer, template, example)
    bos = tokenizer.bos_token
    if bos and text.startswith(bos) and tokenizer("x")["input_ids"][:1] == [tokenizer.bos_token_id]:
        text = text[len(bos):]
    return text


def _sft_pair(messages, template, gold_sql: str) -> dict:
    """SFT target in the format GRPO samples: the whole ideal assistant turn, prefix included, as the completion."""
    prompt = messages[:-1] if template.prefix else messages
    return {"prompt": prompt, "completion": [{"role": "assistant", "content": template.answer(gold_sql)}]}


def _prompt_tokens(tokenizer, prompt) -> int:
    if isinstance(prompt, str):
        return len(tokenizer(prompt)["input_ids"])
    return len(tokenizer.apply_chat_template(prompt, tokenize=True, add_generation_prompt=True,
                                             return_dict=True)["input_ids"])

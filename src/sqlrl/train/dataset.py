"""Turn a sqlrl dataset into what TRL expects: a `prompt` column of chat messages (GRPO) or
prompt + completion (SFT), keeping the columns rewards need (db_path, gold_sql, ...)."""

from __future__ import annotations

from sqlrl.config import RunConfig
from sqlrl.errors import UserError


def load_rows(cfg: RunConfig, split: str):
    from sqlrl.data import load_dataset

    ds = load_dataset(cfg.data.dataset, split, data_dir=cfg.data.data_dir, schema_format=cfg.data.schema_format)
    if len(ds) == 0:
        raise UserError(f"dataset '{cfg.data.dataset}' split '{split}' has no examples.")
    ds = ds.shuffle(seed=cfg.data.seed)
    if cfg.data.limit:
        ds = ds.select(range(min(cfg.data.limit, len(ds))))
    return ds


def prompt_dataset(cfg: RunConfig, split: str, tokenizer, with_answer: bool = False):
    """Rows with `prompt` (messages; a pre-started assistant turn stays the last message) and, for SFT, `completion`."""
    from sqlrl.prompts import get_template

    template = get_template(cfg.data.template)
    ds = load_rows(cfg, split)

    def to_prompt(ex):
        row = {"prompt": template.messages(ex)}
        if with_answer:
            row.update(_sft_pair(row["prompt"], template, ex["gold_sql"]))
        return row

    ds = ds.map(to_prompt)
    if cfg.data.max_prompt_tokens:
        limit = cfg.data.max_prompt_tokens
        before = len(ds)
        ds = ds.filter(lambda ex: _prompt_tokens(tokenizer, ex["prompt"]) <= limit)
        print(f"sqlrl: kept {len(ds)}/{before} examples with prompts of at most {limit} tokens")
        if len(ds) == 0:
            raise UserError(f"data.max_prompt_tokens={limit} removes every example; raise it or use a compact schema_format.")
    return ds


def _sft_pair(messages, template, gold_sql: str) -> dict:
    """SFT target in the format GRPO samples: the whole ideal assistant turn, prefix included, as the completion."""
    prompt = messages[:-1] if template.prefix else messages
    return {"prompt": prompt, "completion": [{"role": "assistant", "content": template.answer(gold_sql)}]}


def _prompt_tokens(tokenizer, messages) -> int:
    cont = messages[-1]["role"] == "assistant"
    ids = tokenizer.apply_chat_template(messages, tokenize=True, add_generation_prompt=not cont,
                                        continue_final_message=cont, return_dict=True)["input_ids"]
    return len(ids)

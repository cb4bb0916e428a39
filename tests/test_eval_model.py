"""Evaluating a model: batched generation equals one-by-one, the pipeline scores what the model
says (a scripted model answers known SQL), maj@K votes by result, and bad input is counted."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import torch

from sqlrl.eval import evaluate
from sqlrl.eval.generate import generate
from sqlrl.prompts import render_prompt


@pytest.fixture(scope="module")
def tokenizer():
    from sqlrl.models import load_tokenizer

    return load_tokenizer()


@pytest.fixture(scope="module")
def tiny_model(tokenizer):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=4096,
                      eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    return LlamaForCausalLM(cfg).eval()


@pytest.fixture(scope="module")
def rows(mini_spider):
    from sqlrl.data import load_dataset

    return [dict(r) for r in load_dataset("spider", "dev", data_dir=mini_spider, limit=12)]


class Scripted(torch.nn.Module):
    """A 'model' whose generate() answers each prompt with the text `answer(question, sample)`."""

    def __init__(self, tokenizer, answer):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.tok, self.answer = tokenizer, answer
        self.config = SimpleNamespace(max_position_embeddings=100_000)
        from transformers import GenerationConfig

        self.generation_config = GenerationConfig(eos_token_id=tokenizer.eos_token_id)
        self.calls = []

    def forward(self, input_ids, **kw):  # the shared-prefix pass: a cache that repeats nothing
        return SimpleNamespace(past_key_values=SimpleNamespace(batch_repeat_interleave=lambda n: None))

    def generate(self, input_ids, attention_mask, num_return_sequences=1, **kw):
        self.calls.append(kw)
        outs, seen = [], {}
        for ids, mask in zip(input_ids, attention_mask):
            prompt = self.tok.decode(ids[mask.bool()])
            question = prompt.split("Question: ")[-1].split("<|im_end|>")[0].strip()
            for _ in range(num_return_sequences):
                # samples come as repeated rows or as num_return_sequences: number them either way
                s = seen[question] = seen.get(question, -1) + 1
                new = self.tok(self.answer(question, s), add_special_tokens=False)["input_ids"]
                outs.append(ids.tolist() + new + [self.tok.eos_token_id])
        width = max(map(len, outs))
        return torch.tensor([o + [self.tok.pad_token_id] * (width - len(o)) for o in outs])


def test_batched_greedy_equals_one_by_one(tiny_model, tokenizer, rows):
    from sqlrl.prompts import get_template

    tmpl = get_template("plain")
    prompts = [render_prompt(tokenizer, tmpl, r) for r in rows[:5]]
    lengths = {len(tokenizer(p, add_special_tokens=False)["input_ids"]) for p in prompts}
    assert len(lengths) > 1  # padding is really exercised
    batched = generate(tiny_model, tokenizer, prompts, batch_size=4, max_new_tokens=10)
    plain = generate(tiny_model, tokenizer, prompts, batch_size=4, max_new_tokens=10, share_prefix=False)
    single = [generate(tiny_model, tokenizer, [p], batch_size=1, max_new_tokens=10)[0] for p in prompts]
    assert batched == single
    assert plain == single
    assert all(len(t) == 1 and t[0] for t in batched)


def test_scripted_model_scores_what_it_says(tmp_path, tokenizer, rows):
    gold = {r["question"].strip(): r["gold_sql"] for r in rows}
    wrong = {r["question"].strip() for r in rows[::3]}

    def answer(q, _s):  # the plain template's prefix is "```sql\nSELECT": continue after it
        sql = "SELECT 'nope'" if q in wrong else gold[q]
        return sql[len("SELECT"):] + "\n```"

    model = Scripted(tokenizer, answer)
    model.train()
    s = evaluate(model, tokenizer, rows, batch_size=5, out_dir=tmp_path / "run", progress=False)
    assert model.training  # train mode restored, as training needs
    assert (s["n"], s["correct"]) == (len(rows), len(rows) - len(wrong))
    assert s["ex"] == pytest.approx(s["correct"] / s["n"])
    assert s["executable"] == 1.0 and s["decode"] == "greedy" and s["mode"] == "bird"
    assert s["error_types"] == {"correct": s["correct"], "wrong_result": len(wrong)}
    for key in ("model", "dataset_checksum", "template", "timeout_s", "sqlrl_version", "decode", "mode"):
        assert s["meta"][key] is not None, key
    assert not model.calls[0].get("do_sample")
    out = tmp_path / "run"
    for name in ("predictions.jsonl", "predictions.sql", "examples.jsonl", "summary.json", "report.md",
                 "accuracy_by_difficulty.png", "error_types.png"):
        assert (out / name).is_file(), name
    report = (out / "report.md").read_text()
    for key in ("model", "dataset_checksum", "template", "decode", "mode", "timeout_s", "sqlrl_version"):
        assert f"| {key} | `{s['meta'][key]}` |" in report, key
    recs = [json.loads(x) for x in (out / "examples.jsonl").read_text().splitlines()]
    assert [r["question"] for r in recs] == [r["question"] for r in rows]  # dataset order, not length order
    assert all(r["completion"].endswith("```") for r in recs)
    # the predictions file scores the same without the model
    from sqlrl.eval import score_predictions

    assert score_predictions(out / "predictions.jsonl", rows)["correct"] == s["correct"]


def test_maj_at_k_votes_by_result_and_pass_at_k(tokenizer, rows):
    gold = {r["question"].strip(): r["gold_sql"] for r in rows}

    # samples 0 and 3 are right, 1 and 2 agree on a wrong result, 4 does not execute (no vote):
    # a 2-2 tie, won by the group sampled first (the gold one).
    def answer(q, s):
        sql = [gold[q], "SELECT 'x' UNION SELECT 'x'", "SELECT 'x'", gold[q], "SELECT FROM"][s]
        return sql[len("SELECT"):] + "\n```"

    s = evaluate(Scripted(tokenizer, answer), tokenizer, rows[:4], decode="maj@5", pass_at=2, progress=False)
    assert s["correct"] == 4
    assert s["pass@2"] == pytest.approx(1 - (3 * 2) / (5 * 4))  # 2 of 5 right

    def answer2(q, s):  # now the wrong result has the majority (2 against 1)
        sql = [gold[q], "SELECT 'x'", "SELECT 'x'", "SELECT FROM", "SELECT FROM"][s]
        return sql[len("SELECT"):] + "\n```"

    s2 = evaluate(Scripted(tokenizer, answer2), tokenizer, rows[:4], decode="maj@5", progress=False)
    assert s2["correct"] == 0 and s2["decode"] == "maj@5"
    assert s2["meta"]["temperature"] is not None

    # greedy with pass@K: a separate sampling pass of --num-samples; samples 0 and 3 of 4 are right
    model = Scripted(tokenizer, lambda q, s: (gold[q] if s in (0, 3) else "SELECT 'x'")[len("SELECT"):] + "\n```")
    s3 = evaluate(model, tokenizer, rows[:4], pass_at=2, num_samples=4, progress=False)
    assert s3["correct"] == 4 and s3["decode"] == "greedy"
    assert s3["pass@2"] == pytest.approx(1 - 1 / 6)  # 1 - C(2,2) / C(4,2)
    assert [bool(c.get("do_sample")) for c in model.calls] == [False, True]


def test_prompt_too_long_and_missing_db_count_as_wrong(tokenizer, rows):
    model = Scripted(tokenizer, lambda q, s: " 1\n```")
    bad = [dict(r) for r in rows[:4]]
    bad[0]["schema"] = "t(x) " * 40_000
    bad[1]["db_path"] = "/nonexistent/x.sqlite"
    s = evaluate(model, tokenizer, bad, progress=False)
    assert s["n"] == 4
    assert s["affected"]["by_type"] == {"prompt_too_long": 1, "missing_db": 1}


def test_tiny_model_end_to_end(tiny_model, tokenizer, rows):
    s = evaluate(tiny_model, tokenizer, rows[:4], batch_size=2, max_new_tokens=6, progress=False)
    assert s["n"] == 4 and 0.0 <= s["ex"] <= 1.0
    assert sum(s["error_types"].values()) == 4


def test_progress_bar_shows_the_running_ex():
    from sqlrl.eval.evaluate import RunningEX

    bar = RunningEX(4, "eval greedy")
    bar.update([{"match": True}, {"match": False}])
    assert bar.progress.tasks[0].fields["ex"] == "50.0%" and bar.progress.tasks[0].completed == 2
    bar.update([{"match": True}])
    assert bar.progress.tasks[0].fields["ex"] == "66.7%"
    bar.close()

"""The SQL environment inside TRL's GRPOTrainer and in evaluation, on the tiny model fixture."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from conftest import sqlite_value
from sqlrl.envs import EnvConfig, trainer_kwargs
from sqlrl.errors import UserError

THINK = "<think>I count the orders.</think>\n"
EXPLORE = "SELECT count(*) FROM orders"  # the scripted exploratory query; WRONG answers every question wrongly
WRONG = "SELECT count(*) FROM books"


@pytest.fixture(scope="module")
def rows(mini_spider):
    from sqlrl.data import load_dataset

    ds = load_dataset("spider", "dev", data_dir=mini_spider, limit=4)
    rows = [dict(r) for r in ds]
    assert rows[0]["gold_sql"] == EXPLORE and {r["db_id"] for r in rows} == {"bookshop"}
    return rows


@pytest.fixture(scope="module")
def orders(rows) -> int:
    """What the exploratory query returns."""
    return sqlite_value(rows[0]["db_path"], EXPLORE)


def _cfg(**env):
    return SimpleNamespace(env=EnvConfig(name="sql", **env), data=SimpleNamespace(template="skyrl"))


def _trainer(tiny_model_dir, rows, tmp_path, max_completion_length=160, **env):
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import GRPOConfig, GRPOTrainer

    from sqlrl.prompts import get_template
    from sqlrl.rewards import build_rewards
    from sqlrl.stopping import configure_stopping

    tok = AutoTokenizer.from_pretrained(tiny_model_dir, padding_side="left")
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    tmpl = get_template("skyrl")
    gen_kwargs = configure_stopping(model, tok, tmpl.stop_strings)
    ds = Dataset.from_list([{"prompt": tmpl.messages(r), "db_path": r["db_path"], "gold_sql": r["gold_sql"]}
                            for r in rows[:2]])
    funcs, weights = build_rewards(preset="skyrl", template="skyrl")
    kw = trainer_kwargs(_cfg(**env), reward_funcs=funcs)
    args = GRPOConfig(output_dir=str(tmp_path), per_device_train_batch_size=2, num_generations=2, max_steps=1,
                      max_completion_length=max_completion_length, beta=0.0, report_to=[], logging_steps=1,
                      save_strategy="no", bf16=False, use_cpu=True, reward_weights=weights,
                      generation_kwargs=gen_kwargs, temperature=1.0)
    return GRPOTrainer(model=model, reward_funcs=kw.pop("reward_funcs"), args=args, train_dataset=ds,
                       processing_class=tok, **kw), tok, ds


def _scripted(trainer, tok, scripts):
    """Replace TRL's one-turn generation by fixed completions: scripts[episode][turn]."""
    calls = {"n": 0}

    def generate_by_call(batch, images, fields, num_generations=1, has_tool_images=False):
        turn = calls["n"]
        calls["n"] += 1
        # every scripted episode is still running at every turn, so batch position = episode
        return [tok.encode(scripts[e][turn], add_special_tokens=False) for e in range(len(batch))], None

    trainer._generate_single_turn = generate_by_call


def test_observation_tokens_carry_no_gradient(tiny_model_dir, rows, orders, tmp_path):
    import torch

    trainer, tok, ds = _trainer(tiny_model_dir, rows, tmp_path)
    gold = rows[0]["gold_sql"]
    query = THINK + f"<sql>{EXPLORE}</sql>"
    scripts = [[query, THINK + f"<solution>{gold}</solution>"],  # right: reward 1
               [query, THINK + f"<solution>{WRONG}</solution>"]]  # wrong: reward 0
    _scripted(trainer, tok, scripts)
    trainer.model.train()
    batch = trainer._generate_and_score_completions([dict(ds[0]), dict(ds[0])])

    mask = batch["tool_mask"] * batch["completion_mask"]
    for e in range(2):
        ids = batch["completion_ids"][e][batch["completion_mask"][e].bool()].tolist()
        m = mask[e][batch["completion_mask"][e].bool()].tolist()
        model_text = tok.decode([t for t, k in zip(ids, m) if k])
        env_text = tok.decode([t for t, k in zip(ids, m) if not k])
        assert model_text == "".join(scripts[e])
        assert env_text.startswith(f"\n<observation>\ncount(*)\n{orders}\n")
        assert env_text.endswith("</observation>\n")
    assert batch["advantages"][0] > 0 > batch["advantages"][1]  # rewards 1 and 0 from the final answers
    logged = {k: v[-1] for k, v in trainer._metrics["train"].items() if k.startswith("env/")}
    assert logged["env/turns"] == 2.0 and logged["env/used_db"] == 1.0 and logged["env/sql_calls"] == 1.0
    assert logged["env/end_solution"] == 1.0 and logged["env/sql_error_rate"] == 0.0

    captured = {}

    def keep(module, inputs, output):
        output.retain_grad()
        captured["logits"] = output

    # the final norm's output at position t feeds only the logits predicting token t + 1
    handle = trainer.model.model.norm.register_forward_hook(keep)
    trainer.current_gradient_accumulation_steps = 1  # set by the training loop, which this test skips
    loss = trainer.compute_loss(trainer.model, batch)
    loss.backward()
    handle.remove()
    grad = captured["logits"].grad  # (B, prompt + completion positions, hidden)
    p, n = batch["prompt_ids"].shape[1], mask.shape[1]
    carries = grad[:, p - 1:p - 1 + n].abs().sum(-1) != 0  # position p - 1 + j predicts completion token j
    assert torch.equal(carries, mask.bool()), (carries.int().tolist(), mask.tolist())
    assert int((batch["tool_mask"] == 0).sum()) > 20  # the observations were there, and masked


def test_sqlrl_train_recipe_skyrl_multiturn_logs_turns_and_database_use(tiny_model_dir, mini_spider, tmp_path,
                                                                        capsys):
    from sqlrl.cli import main

    out = tmp_path / "run"
    assert main(["train", "--recipe", "skyrl_multiturn", "--output-dir", str(out), "--max-steps", "1",
                 f"data.data_dir={mini_spider}", f"model.name={tiny_model_dir}", "data.limit=2", "env.max_turns=2",
                 "training.max_completion_length=24",
                 "training.report_to=[]", "training.save_steps=10"]) == 0
    log = json.loads((out / "trainer_state.json").read_text())["log_history"]
    rec = next(r for r in log if "env/turns" in r)
    assert 1 <= rec["env/turns"] <= 2 and 0 <= rec["env/used_db"] <= 1
    assert sum(rec[f"env/end_{r}"] for r in ("solution", "no_closing_tag", "max_turns", "length")) == pytest.approx(1)
    assert "rewards/format_gate/mean" in rec


def test_trainer_kwargs_off_by_default_and_checks_template():
    assert trainer_kwargs(SimpleNamespace(env=EnvConfig(), data=SimpleNamespace(template="plain"))) == {}
    with pytest.raises(UserError, match="data.template=skyrl"):
        trainer_kwargs(SimpleNamespace(env=EnvConfig(name="sql"), data=SimpleNamespace(template="plain")))
    with pytest.raises(UserError, match="env.max_turns"):
        trainer_kwargs(SimpleNamespace(env={"name": "sql", "max_turns": 0}, data=SimpleNamespace(template="skyrl")))
    kw = trainer_kwargs(_cfg(), reward_funcs=[lambda prompts, completions, **k: [len(c) for c in completions]])
    wrapped = kw["reward_funcs"][0]
    assert wrapped(prompts=[None], completions=["long transcript"], env_answer=["ab"]) == [2]
    assert wrapped(prompts=[None], completions=["abc"]) == [3]


class Explorer:
    """A scripted 'model' for evaluation: one exploratory query, then the answer it was given."""

    def __init__(self, tok, answers):
        import torch
        from transformers import GenerationConfig

        self.tok, self.answers, self.training = tok, answers, False
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.config = SimpleNamespace(max_position_embeddings=100_000)
        self.generation_config = GenerationConfig(eos_token_id=tok.eos_token_id)

    def parameters(self):
        return iter([self.w])

    def eval(self):
        return self

    def generate(self, input_ids, attention_mask, **kw):
        import torch

        outs = []
        for ids, mask in zip(input_ids, attention_mask):
            text = self.tok.decode(ids[mask.bool()])
            question = text.split("Question: ")[-1].split("<|im_end|>")[0].strip()
            answered = "</observation>" in text.split("<|im_start|>assistant")[-1]  # the system prompt names it too
            turn = (THINK + f"<solution>{self.answers[question]}</solution>" if answered
                    else THINK + f"<sql>{EXPLORE}</sql>")
            outs.append(ids.tolist() + self.tok.encode(turn, add_special_tokens=False) + [self.tok.eos_token_id])
        width = max(map(len, outs))
        return torch.tensor([o + [self.tok.pad_token_id] * (width - len(o)) for o in outs])


def test_multi_turn_evaluation_scores_the_final_solution_and_reports_episodes(rows, orders, tmp_path):
    from sqlrl.envs import evaluate_multi_turn
    from sqlrl.models import load_tokenizer

    tok = load_tokenizer()
    answers = {r["question"].strip(): r["gold_sql"] for r in rows}
    answers[rows[1]["question"].strip()] = WRONG  # wrong on purpose
    summary = evaluate_multi_turn(Explorer(tok, answers), tok, rows, EnvConfig(name="sql", max_turns=3),
                                  max_new_tokens=200, out_dir=tmp_path, progress=False)
    assert (summary["n"], summary["correct"]) == (len(rows), len(rows) - 1)
    mt = summary["multi_turn"]
    assert (mt["episodes"], mt["turns_mean"], mt["used_db_share"], mt["sql_calls_mean"]) == (len(rows), 2.0, 1.0, 1.0)
    assert mt["end_reasons"] == {"solution": len(rows), "no_closing_tag": 0, "max_turns": 0, "length": 0}
    episodes = [json.loads(x) for x in (tmp_path / "episodes.jsonl").read_text().splitlines()]
    assert [e["question"] for e in episodes] == [r["question"] for r in rows]
    assert f"<observation>\ncount(*)\n{orders}\n" in episodes[0]["transcript"]
    assert summary["meta"]["multi_turn"]["turns_mean"] == 2.0  # in the report's metadata too


def test_eval_cli_multi_turn(tiny_model_dir, tmp_path, capsys):
    from sqlrl.cli import main

    out = tmp_path / "summary.json"
    assert main(["eval", "--model", str(tiny_model_dir), "--dataset", "demo", "--limit", "2", "--template", "skyrl",
                 "--multi-turn", "--max-turns", "2", "--max-new-tokens", "24", "--no-progress", "--json",
                 str(out)]) == 0
    summary = json.loads(out.read_text())
    assert summary["n"] == 2 and "multi_turn" in summary
    assert summary["meta"]["model_path"] == str(tiny_model_dir) and summary["meta"]["template"] == "skyrl"
    assert "EX = " in capsys.readouterr().out
    assert main(["eval", "--model", str(tiny_model_dir), "--dataset", "demo", "--multi-turn",
                 "--backend", "vllm"]) == 2
    assert main(["eval", "--model", str(tiny_model_dir), "--dataset", "demo", "--multi-turn",
                 "--template", "chat"]) == 2
    assert "always uses the skyrl template" in capsys.readouterr().err

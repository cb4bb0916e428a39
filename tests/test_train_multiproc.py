"""Two training processes on CPU through accelerate (gloo): different data per rank, a loadable adapter."""

import json
import subprocess
import sys


def test_two_cpu_processes_see_different_data(tiny_model_dir, tmp_path):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "sqlrl.cli", "train", "--recipe", "demo", "--num-processes", "2",
           f"model.name={tiny_model_dir}", f"output_dir={out}", "training.max_steps=2",
           "training.max_completion_length=8", "training.save_steps=2", "training.report_to=[]", "data.limit=8",
           "data.eval_split=null"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = {}
    for rank in (0, 1):
        lines = [json.loads(x) for x in (out / "data_order" / f"rank-{rank}.jsonl").read_text().splitlines()]
        assert [x["step"] for x in lines] == [0, 1]
        seen[rank] = [tuple(x["ids"]) for x in lines]
    for step in range(2):
        assert seen[0][step] and seen[1][step] and not set(seen[0][step]) & set(seen[1][step]), seen
    state = json.loads((out / "checkpoint-2" / "trainer_state.json").read_text())
    assert state["global_step"] == 2
    logged = {k: v for r in state["log_history"] for k, v in r.items()}
    assert logged["shared_prompt/forward_max_logp_diff"] < 1e-4  # each rank's group computed its prompt once

    from sqlrl.models import load_model, load_tokenizer

    model, tok = load_model(str(out / "final")), load_tokenizer(str(out / "final"))
    assert hasattr(model, "peft_config")
    ids = tok("SELECT", return_tensors="pt")
    assert model.generate(**ids, max_new_tokens=2, do_sample=False).shape[1] == ids["input_ids"].shape[1] + 2

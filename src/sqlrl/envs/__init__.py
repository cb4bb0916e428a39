"""Multi-turn SQL environment: the model may query the database before it answers (SkyRL-SQL style).

    from sqlrl.envs import SQLEnv, EnvConfig, trainer_kwargs, evaluate_multi_turn
    env = SQLEnv(EnvConfig(max_turns=5))
    env.reset(db_path="concert_singer.sqlite", gold_sql="SELECT count(*) FROM singer")
    step = env.step("<think>...</think>\\n<sql>SELECT count(*) FROM singer</sql>")  # -> observation
    step = env.step("<think>...</think>\\n<solution>SELECT count(*) FROM singer</solution>")  # -> done
    env.reward()   # skyrl preset: -1 bad format / no solution, 0 wrong, 1 right

Training uses TRL's `rollout_func` hook (`trainer_kwargs`), evaluation `evaluate_multi_turn`;
both run the same token-level loop (`sqlrl.envs.rollout`). docs/envs.md has the details.
"""

from sqlrl.config import ENV_NAMES, EnvConfig
from sqlrl.envs.sql_env import REASONS, SQLEnv, Step, render_result
from sqlrl.envs.trl_rollout import episode_metrics, make_rollout_func, score_final_answer, trainer_kwargs


def evaluate_multi_turn(*args, **kwargs):
    """`sqlrl.eval.evaluate` with the SQL environment in the loop; see sqlrl.envs.evaluate."""
    from sqlrl.envs.evaluate import evaluate_multi_turn as run

    return run(*args, **kwargs)


__all__ = ["ENV_NAMES", "EnvConfig", "REASONS", "SQLEnv", "Step", "episode_metrics", "evaluate_multi_turn",
           "make_rollout_func", "render_result", "score_final_answer", "trainer_kwargs"]

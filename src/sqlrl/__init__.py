"""sqlrl: GRPO fine-tuning for text-to-SQL with execution-based rewards."""

__version__ = "0.1.0"

"""What the engine announces to the parts that follow it, without knowing them (the pages listen: warming)."""
from django.dispatch import Signal

# Sent when a recompute run is recorded (plan_id, run_id: RecomputeRun.pk), inside the recompute's transaction: a
# receiver that acts on the new rows does so in transaction.on_commit.
progress_recomputed = Signal()

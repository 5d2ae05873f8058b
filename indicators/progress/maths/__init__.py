"""The progress method as pure functions: numbers in, numbers out; no ORM, no request, no clock, no Django.

``assess`` judges one figure, ``aggregate`` forms a figure's periods and sums districts into the city,
``table`` runs the whole plan column-wise. Callers import this package: ``from indicators.progress import maths``.
"""
from indicators.progress.maths.assess import (  # noqa: F401
    STATUSES, FINAL_STATUSES, STATUS_LABELS_ZH, STATUS_LABELS_EN, FINAL_STATUS_LABELS_ZH, FINAL_STATUS_LABELS_EN, LIGHTS, STATUS_LIGHTS, COUNT_UNITS, MEASURES, TARGET_KINDS, REASON_TEXTS, BASELINE_MET_REASONS, REASON_TEXTS_ZH, REASON_TEXTS_EN, Thresholds, Assessment, finite, time_share, period_time, quarter_only, provisional_annual, chain_index, average_growth, share_of_sums, target_decomposition_gap, is_achieved, achieved_array, status_lights, assess_arrays, assess, assess_qualitative_arrays, assess_qualitative, schedule_light,
)
from indicators.progress.maths.aggregate import (  # noqa: F401
    AGGREGATED_MEASURES, clean_observations, AGGREGATE_COLUMNS, aggregate_district_rows,
)
from indicators.progress.maths.table import (  # noqa: F401
    OUTPUT_COLUMNS, progress_table, progress_rows, compute_progress, progress_records,
)

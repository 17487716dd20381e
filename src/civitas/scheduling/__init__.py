"""Meeting scheduler (pure Python, no Django): ``civitas.scheduling``.

Load an instance of the ``civitas-schedule/1`` JSON contract, solve it, check a result:

>>> inst = load_instance("event.json")        # raises ValidationError(errors=[...])
>>> result = solve(inst, time_limit=30)       # civitas-schedule-result/1 dict
>>> report = validate_result(inst, result)    # report.violations == [] when valid
"""

from .greedy import greedy_solve
from .model import INSTANCE_FORMAT, RESULT_FORMAT, Instance, ValidationError, load_instance
from .solver import solve
from .validate import ValidationReport, lock_assignments, validate_result

__all__ = [
    "INSTANCE_FORMAT",
    "RESULT_FORMAT",
    "Instance",
    "ValidationError",
    "ValidationReport",
    "greedy_solve",
    "load_instance",
    "lock_assignments",
    "solve",
    "validate_result",
]

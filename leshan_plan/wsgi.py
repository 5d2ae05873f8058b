import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leshan_plan.settings")
application = get_wsgi_application()

# Every view and what it imports (charts, maths, templates' tag libraries) is loaded here, through the URLconf, and
# everything loaded so far is then put out of the garbage collector's way (gc.freeze): a full collection would
# otherwise walk these ~150,000 long-lived objects, a pause of 0.1–0.2 s of a worker every few dozen requests.
get_resolver().url_patterns
gc.freeze()

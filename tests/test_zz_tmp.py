from tests.indicators.test_entry_views import *
def test_dbg(plan, staff_shizhong, official):
    client = client_for(staff_shizhong)
    r = client.post("/entry/shizhong/2023-Q2/", {"revision": 0, "action": "save", "i1_value": "280"})
    print(r.status_code, r.content.decode()[-3000:] if r.status_code!=302 else r["Location"])
    print(list(Observation.objects.values("year","quarter","value")))

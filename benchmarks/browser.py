"""Step 6: what a browser downloads for a page (bytes on the wire, compressed) and its Largest Contentful Paint,
in headless chromium (Debian's, driven by Playwright) on loopback, each load in a fresh context (cold cache)."""
from __future__ import annotations

import shutil
import statistics

LCP_SCRIPT = """() => new Promise((resolve) => {
  let last = null;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { last = e; }
  }).observe({type: 'largest-contentful-paint', buffered: true});
  setTimeout(() => resolve(last ? {time: last.startTime, size: last.size,
                                   element: last.element ? last.element.tagName + (last.element.id ? '#' + last.element.id : '') + (last.element.className ? '.' + String(last.element.className).split(' ')[0] : '') : null,
                                   url: last.url || null} : null), 300);
})"""
NAV_SCRIPT = """() => { const n = performance.getEntriesByType('navigation')[0];
  return {ttfb: n.responseStart, dom_content_loaded: n.domContentLoadedEventEnd, load: n.loadEventEnd}; }"""


def measure_page(base_url: str, path: str, *, cookie_name: str, cookie_value: str, runs: int = 5) -> dict:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        return {"error": "chromium not found"}
    samples = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"])
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1366, "height": 900})
                context.add_cookies([{"name": cookie_name, "value": cookie_value, "url": base_url}])
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
                transfers: dict[str, dict] = {}

                def on_response(event, transfers=transfers):
                    r = event["response"]
                    transfers[event["requestId"]] = {"url": r["url"], "status": r["status"],
                                                     "encoding": (r.get("headers") or {}).get("content-encoding")
                                                     or (r.get("headers") or {}).get("Content-Encoding"),
                                                     "bytes": 0}

                def on_finished(event, transfers=transfers):
                    transfers.setdefault(event["requestId"], {"url": "?", "status": None, "encoding": None})
                    transfers[event["requestId"]]["bytes"] = event["encodedDataLength"]

                cdp.on("Network.responseReceived", on_response)
                cdp.on("Network.loadingFinished", on_finished)
                response = page.goto(base_url + path, wait_until="load", timeout=120_000)
                page.wait_for_load_state("networkidle", timeout=120_000)
                lcp = page.evaluate(LCP_SCRIPT)
                nav = page.evaluate(NAV_SCRIPT)
                charts = page.evaluate("() => document.querySelectorAll('[data-drawn]').length")
                total = sum(t.get("bytes", 0) for t in transfers.values())
                samples.append({"status": response.status if response else None, "transfer_bytes": total,
                                "lcp_ms": round(lcp["time"], 1) if lcp else None,
                                "lcp_element": lcp["element"] if lcp else None, "charts_drawn": charts,
                                "requests": sorted(({"url": t["url"].replace(base_url, ""), "bytes": t.get("bytes", 0),
                                                     "encoding": t.get("encoding")} for t in transfers.values()),
                                                   key=lambda t: -t["bytes"]),
                                **{k: round(v, 1) for k, v in nav.items()}})
                context.close()
        finally:
            browser.close()
    lcps = [s["lcp_ms"] for s in samples if s["lcp_ms"] is not None]
    return {"path": path, "runs": runs,
            "transfer_bytes": int(statistics.median(s["transfer_bytes"] for s in samples)),
            "lcp_ms_median": round(statistics.median(lcps), 1) if lcps else None,
            "lcp_ms_all": lcps, "load_ms_median": round(statistics.median(s["load"] for s in samples), 1),
            "ttfb_ms_median": round(statistics.median(s["ttfb"] for s in samples), 1),
            "status": samples[-1]["status"], "charts_drawn": samples[-1]["charts_drawn"],
            "lcp_element": samples[-1]["lcp_element"], "requests": samples[-1]["requests"][:8]}

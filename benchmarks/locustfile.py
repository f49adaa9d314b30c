"""One endpoint under load: locust runs this once per endpoint (see benchmarks/load.py).

Environment: BENCH_PATH (the path to request), BENCH_SESSION (a signed-in session cookie,
for pages) or BENCH_TOKEN (an API token), BENCH_NAME (the name in the statistics). Signing in
happens once, before the run, so the measured window holds only the endpoint's requests.
"""

from __future__ import annotations

import os

from locust import HttpUser, constant, task

PATH = os.environ["BENCH_PATH"]
NAME = os.environ.get("BENCH_NAME", PATH)
SESSION = os.environ.get("BENCH_SESSION", "")
TOKEN = os.environ.get("BENCH_TOKEN", "")


class EndpointUser(HttpUser):
    # Closed loop: each of the simulated users sends its next request as soon as it has an answer.
    wait_time = constant(0)

    def on_start(self) -> None:
        if TOKEN:
            self.client.headers["Authorization"] = f"Bearer {TOKEN}"
        elif SESSION:
            self.client.cookies.set("sessionid", SESSION)

    @task
    def endpoint(self) -> None:
        with self.client.get(
            PATH, name=NAME, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

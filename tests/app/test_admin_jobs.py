"""Failed jobs are visible to administrators, with a way to put them back in the queue."""

from __future__ import annotations

from bundler.queues import DOCUMENTS_QUEUE, queue
from bundler.worker import make_worker

from factories import PASSWORD


def test_failed_jobs_are_listed_and_can_be_requeued(app, client, sample, make_user):
    job = queue(DOCUMENTS_QUEUE).enqueue("bundler.jobs.no_such_job", 1)
    make_worker(app, [DOCUMENTS_QUEUE]).work(burst=True)
    make_user("admin", login="admin01")
    client.post("/login", data={"login": "admin01", "password": PASSWORD})
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "bundler.jobs.no_such_job" in page and "documents" in page
    response = client.post(f"/admin/jobs/{DOCUMENTS_QUEUE}/{job.id}/requeue")
    assert response.status_code == 302
    assert job.id in queue(DOCUMENTS_QUEUE).job_ids
    assert client.post(f"/admin/jobs/{DOCUMENTS_QUEUE}/unknown-job/requeue").status_code == 404


def test_only_administrators_see_failed_jobs(client, sample, make_user):
    make_user("window", login="clerk-a")
    client.post("/login", data={"login": "clerk-a", "password": PASSWORD})
    assert client.get("/admin/jobs").status_code == 403

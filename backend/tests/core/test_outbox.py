"""The job outbox: a job is a row of the transaction that asks for it; the relay publishes
it to the real broker (the suite's Celery worker runs it) and deletes it, once."""

import asyncio

import pytest
from sqlalchemy import func, select

from app.core import outbox
from app.core.db import SessionFactory, unit_of_work
from app.models import OutboxJob
from app.orders import service as orders_service
from app.orders import tasks
from app.orders.schemas import OrderCreate, OrderLine
from app.users import service as users_service
from tests.factories import user_headers
from tests.helpers import stock


async def waiting_jobs() -> list[tuple[str, list]]:
    async with SessionFactory() as session:
        rows = await session.execute(select(OutboxJob.task, OutboxJob.args).order_by(OutboxJob.id))
        return [(task, args) for task, args in rows.all()]


async def wait_mail(mail, predicate, timeout: float = 30):
    return await asyncio.to_thread(mail.wait_for, predicate, timeout)


async def test_a_placed_order_writes_its_jobs_and_the_relay_sends_them(client, shop, mail):
    _, headers = await user_headers(client, email="buyer@example.com")
    response = await client.post(
        "/api/v1/orders",
        json={"store_id": shop.store.id, "items": [{"product_id": shop.cake.id, "quantity": 1}]},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    placed = response.json()
    confirmation = await wait_mail(mail, lambda m: "buyer@example.com" in m["To"])
    assert placed["number"] in confirmation["Subject"]
    for _ in range(50):  # the relay deletes what it published
        if not await waiting_jobs():
            break
        await asyncio.sleep(0.1)
    assert await waiting_jobs() == []


async def test_a_rolled_back_order_publishes_nothing(client, shop, mail):
    user, _ = await user_headers(client, email="undone@example.com")

    class Undone(Exception):
        pass

    async def place_then_fail() -> None:
        async with unit_of_work() as session:
            buyer = await users_service.by_id(session, user.id)
            assert buyer is not None
            line = OrderLine(product_id=shop.cake.id, quantity=2)
            data = OrderCreate(store_id=shop.store.id, items=[line])
            placed = await orders_service.place_order(session, buyer, data)
            assert placed.id  # written in this transaction, jobs included
            jobs = (await session.scalars(select(OutboxJob))).all()
            assert len(jobs) == 2
            raise Undone  # anything after the jobs were written: the order rolls back

    with pytest.raises(Undone):
        await place_then_fail()
    assert await waiting_jobs() == []
    assert await outbox.relay_all() == 0
    assert await stock(shop.store.id, shop.cake.id) == 5
    await asyncio.sleep(2)  # what a publish would have taken to reach the mail catcher
    assert not [m for m in mail.messages if "undone@example.com" in m["To"]]


async def _enqueue_jobs(count: int) -> None:
    """Jobs as enqueue() writes them, but without waking this process's relay: the test runs
    the relays itself."""
    async with unit_of_work() as session:
        for n in range(count):
            # An order that does not exist: the task finds nothing and sends nothing.
            session.add(
                OutboxJob(task=tasks.send_order_confirmation.name, args=[10_000_000 + n], kwargs={})
            )


async def test_a_relay_restarted_mid_batch_sends_each_job_once():
    await _enqueue_jobs(5)
    published: list[int] = []

    def broker_dies_after_two(jobs):
        def once(job):
            if len(published) == 2:
                raise ConnectionError("broker went away")
            outbox.publish_to_broker([job])
            published.append(job.args[0])

        sent = []
        try:
            for job in jobs:
                once(job)
                sent.append(job.id)
        except ConnectionError as error:
            raise outbox.PublishFailed(sent, error) from error
        return sent

    with pytest.raises(outbox.PublishFailed):
        await outbox.relay_batch(broker_dies_after_two)
    assert [args[0] for _, args in await waiting_jobs()] == [10_000_002, 10_000_003, 10_000_004]

    def recording(jobs):
        sent = outbox.publish_to_broker(jobs)
        published.extend(job.args[0] for job in jobs)
        return sent

    assert await outbox.relay_all(recording) == 3  # the restarted relay
    assert sorted(published) == [10_000_000 + n for n in range(5)]  # each exactly once
    assert await waiting_jobs() == []


async def test_two_relays_at_once_never_send_a_job_twice():
    await _enqueue_jobs(2 * outbox.BATCH_SIZE + 7)
    published: list[int] = []

    def recording(jobs):
        published.extend(job.id for job in jobs)
        return [job.id for job in jobs]

    sent = await asyncio.gather(outbox.relay_all(recording), outbox.relay_all(recording))
    assert sum(sent) == 2 * outbox.BATCH_SIZE + 7
    assert len(published) == len(set(published)) == 2 * outbox.BATCH_SIZE + 7
    async with SessionFactory() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxJob)) == 0

"""Two registrations of one e-mail or username at once: the unique index decides, the loser
gets its domain error, and the transaction around it (seed's, say) carries on."""

import asyncio

import pytest
from sqlalchemy import func, select

from app.core.db import SessionFactory
from app.models import User
from app.users import service as users_service
from app.users.errors import EmailTaken, UsernameTaken
from tests.helpers import wait_until_someone_waits_for


async def register(session, username: str, email: str) -> User:
    return await users_service.create_user(
        session, email=email, username=username, password="correct-horse-1", full_name=username
    )


@pytest.mark.parametrize(
    ("loser", "error"),
    [
        ({"username": "bob2", "email": "BOB@example.com"}, EmailTaken),
        ({"username": "BOB", "email": "bob2@example.com"}, UsernameTaken),
    ],
)
async def test_create_user_that_loses_a_race_keeps_the_outer_transaction(loser, error):
    async with SessionFactory() as outer, outer.begin():
        await register(outer, "alice", "alice@example.com")
        async with SessionFactory() as racer:
            await racer.begin()
            await register(racer, "bob", "bob@example.com")  # not committed yet
            # The outer check sees no bob; its insert waits for the racer's on the index.
            losing = asyncio.create_task(register(outer, **loser))
            await wait_until_someone_waits_for(racer)
            await racer.commit()
            with pytest.raises(error):
                await losing
        # Only the loser's insert was undone: the outer transaction goes on and commits.
        await register(outer, "carol", "carol@example.com")

    async with SessionFactory() as session:
        names = set(await session.scalars(select(User.username)))
        assert names == {"alice", "bob", "carol"}
        assert await session.scalar(select(func.count()).select_from(User)) == 3

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI

from app.auth.dependencies import CurrentUser, StaffUser
from app.auth.errors import InsufficientRole
from app.core import pubsub
from app.core.db import SessionDep
from app.core.errors import Unauthorized, problem_responses
from app.core.listing import InvalidListQuery, ListParamsDep, Page
from app.core.types import PathId
from app.models import SupportConversation
from app.support import service
from app.support.errors import ConversationClosed, ConversationNotFound
from app.support.hub import hub
from app.support.repository import CONVERSATION_LIST, MESSAGE_LIST
from app.support.schemas import ConversationRead, MessageRead
from app.support.websocket import support_socket


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    await hub.stop()
    await pubsub.stop()


router = APIRouter(prefix="/support", tags=["support"], lifespan=lifespan)

ConversationId = PathId

router.add_api_websocket_route("/ws", support_socket, name="support_socket")


@router.get(
    "/conversations",
    response_model=Page[ConversationRead],
    responses=problem_responses(Unauthorized, InvalidListQuery),
    description="A customer's own conversations; staff (support, admin) see every one. "
    + CONVERSATION_LIST.describe()
    + " `q` searches the customer's username, e-mail and full name; `assigned=false` lists "
    "the conversations no staff member has answered yet.",
    openapi_extra=CONVERSATION_LIST.openapi_extra(),
)
async def list_conversations(
    user: CurrentUser, session: SessionDep, params: ListParamsDep
) -> Page[Any]:
    return await service.list_conversations(session, user, params)


@router.get(
    "/conversations/{conversation_id}/messages",
    response_model=Page[MessageRead],
    responses=problem_responses(Unauthorized, ConversationNotFound, InvalidListQuery),
    description="A conversation's messages, oldest first by default (`sort=-id` for newest "
    "first). Another customer's conversation answers 404. " + MESSAGE_LIST.describe(),
    openapi_extra=MESSAGE_LIST.openapi_extra(),
)
async def list_messages(
    conversation_id: ConversationId, user: CurrentUser, session: SessionDep, params: ListParamsDep
) -> Page[Any]:
    return await service.list_messages(session, user, conversation_id, params)


@router.post(
    "/conversations/{conversation_id}/close",
    response_model=ConversationRead,
    responses=problem_responses(
        Unauthorized, InsufficientRole, ConversationNotFound, ConversationClosed
    ),
)
async def close_conversation(
    conversation_id: ConversationId, staff: StaffUser, session: SessionDep
) -> SupportConversation:
    """Close a conversation (staff). Both sides' sockets get a `conversation` event; the
    customer's next message opens a new one."""
    return await service.close_conversation(session, staff, conversation_id)

"""orjson-rendered responses for everything that is not a pydantic response_model.

Routes with a response_model are serialised to bytes by pydantic-core directly, which is
as fast; problems and hand-built bodies go through orjson.
"""

from typing import Any

import orjson
from starlette.responses import JSONResponse


class ORJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)

"""Ask an OpenAI-compatible chat-completions server (vLLM, llama.cpp, Ollama, LM Studio, hosted
APIs), through the answer cache, within a token budget.

httpx is imported only here and only when a request must really be sent, so the core of
secreview never depends on it (`pip install 'secreview[llm]'`). A failure of the server is never
a failure of the scan: the request is retried (429 and 5xx honour Retry-After, then back off
exponentially), and what still fails is counted and said in the report.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from secreview.config.llm import LlmSettings
from secreview.llm.cache import AnswerCache, CachedAnswer, answer_key, default_cache_dir

if TYPE_CHECKING:
    import httpx

MAX_RETRY_AFTER_SECONDS = 60.0
"""A server asking to wait longer than this is waited on for this long (then retried)."""
FIRST_BACKOFF_SECONDS = 0.5
CHARS_PER_TOKEN = 4
"""Rough size of a token, to keep a prompt from starting when it cannot fit the budget."""

Item = TypeVar("Item")
Result = TypeVar("Result")


class LlmSetupError(Exception):
    """The stage cannot run at all (no endpoint, httpx missing); one sentence for the user."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer: its text, the tokens it cost and whether it came from the cache."""

    text: str
    tokens: int
    cached: bool


@dataclass(slots=True)
class Usage:
    """What the run spent and what went wrong, shared by every request (under a lock)."""

    requests: int = 0
    cached: int = 0
    tokens: int = 0
    offline_misses: int = 0
    budget_spent: bool = False
    failures: list[str] = field(default_factory=list)
    stopped: str = ""
    """Why no further request is sent (a refused key, a missing model), or ''."""
    lock: threading.Lock = field(default_factory=threading.Lock)


def completions_url(endpoint: str) -> str:
    """The chat-completions URL of a base endpoint (`…/v1` or the full URL)."""
    endpoint = endpoint.rstrip("/")
    return endpoint if endpoint.endswith("/chat/completions") else endpoint + "/chat/completions"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER_SECONDS)
    except ValueError:
        return None


def _answer_of(payload: object) -> tuple[str, int | None]:
    """The message text and total tokens of a chat-completions response body."""
    if not isinstance(payload, dict):
        raise ValueError("the response is not a JSON object")
    choices = payload.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ValueError("the response has no choices")
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str):
        raise ValueError("the response's first choice has no message content")
    usage = payload.get("usage")
    total = usage.get("total_tokens") if isinstance(usage, dict) else None
    return content, total if isinstance(total, int) and total >= 0 else None


class ChatClient:
    """Sends chat requests for one run: cache first, then the server, within the budget."""

    def __init__(
        self,
        settings: LlmSettings,
        cache: AnswerCache | None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.usage = Usage()
        self._sleep = sleep
        self._http: httpx.Client | None = None
        self._http_lock = threading.Lock()

    def _client(self) -> httpx.Client:
        """The HTTP client, made on the first real request (offline runs never import httpx)."""
        with self._http_lock:
            if self._http is None:
                if not self.settings.endpoint:
                    raise LlmSetupError("--llm needs --llm-endpoint URL (or endpoint in config)")
                try:
                    import httpx
                except ImportError:
                    raise LlmSetupError(
                        "the LLM stage needs httpx: pip install 'secreview[llm]'"
                    ) from None
                headers = {"Content-Type": "application/json"}
                key = os.environ.get(self.settings.api_key_env, "")
                if key:
                    headers["Authorization"] = f"Bearer {key}"
                self._http = httpx.Client(
                    headers=headers, timeout=self.settings.timeout_seconds, trust_env=False
                )
            return self._http

    def close(self) -> None:
        """Close the HTTP connection pool, if one was opened."""
        if self._http is not None:
            self._http.close()

    def _parameters(self, sample: int) -> dict[str, object]:
        return {
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_answer_tokens,
            "seed": sample,
        }

    def ask(self, messages: list[dict[str, str]], sample: int = 0) -> Answer | None:
        """The answer to `messages` (sample `sample` of several), or None when none can be had
        (offline and not cached, budget spent, the server failing): counted in `usage`."""
        parameters = self._parameters(sample)
        key = answer_key(self.settings.model, messages, parameters)
        cached = self.cache.get(key) if self.cache else None
        usage = self.usage
        if cached is not None:
            with usage.lock:
                usage.cached += 1
            return Answer(cached.text, cached.tokens, cached=True)
        if self.settings.offline:
            with usage.lock:
                usage.offline_misses += 1
            return None
        estimate = sum(len(m["content"]) for m in messages) // CHARS_PER_TOKEN
        with usage.lock:
            if usage.stopped:
                return None
            if usage.tokens + estimate > self.settings.token_budget:
                usage.budget_spent = True
                return None
            usage.requests += 1
        answer = self._send(messages, parameters)
        if answer is None:
            return None
        text, tokens = answer
        tokens = tokens if tokens is not None else estimate + len(text) // CHARS_PER_TOKEN
        with usage.lock:
            usage.tokens += tokens
        if self.cache:
            self.cache.put(key, CachedAnswer(text, tokens))
        return Answer(text, tokens, cached=False)

    def _send(
        self, messages: list[dict[str, str]], parameters: dict[str, object]
    ) -> tuple[str, int | None] | None:
        """POST the request, retrying what may pass on a second try; None after recording why
        it failed."""
        import httpx

        client = self._client()
        body = {"model": self.settings.model, "messages": messages, **parameters}
        url = completions_url(self.settings.endpoint or "")
        problem = ""
        for attempt in range(self.settings.retries + 1):
            wait = FIRST_BACKOFF_SECONDS * 2**attempt
            try:
                response = client.post(url, content=json.dumps(body))
            except httpx.TimeoutException:
                problem = f"no answer within {self.settings.timeout_seconds:g}s"
            except httpx.HTTPError as error:
                problem = f"cannot reach the server ({type(error).__name__})"
            else:
                if response.status_code == 200:
                    try:
                        return _answer_of(response.json())
                    except ValueError as error:
                        return self._failed(f"unusable response: {error}")
                problem = f"HTTP {response.status_code}"
                if response.status_code not in (408, 429) and response.status_code < 500:
                    return self._failed(problem, stop=True)
                asked = _retry_after(response)
                wait = asked if asked is not None else wait
            if attempt < self.settings.retries:
                self._sleep(wait)
        return self._failed(f"{problem} after {self.settings.retries + 1} attempts")

    def _failed(self, problem: str, stop: bool = False) -> None:
        with self.usage.lock:
            self.usage.failures.append(problem)
            if stop and not self.usage.stopped:
                self.usage.stopped = f"the server refused the request ({problem})"

    def map(self, work: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
        """`work` over `items` with at most `concurrency` requests in flight, in input order."""
        items = list(items)
        if self.settings.concurrency <= 1 or len(items) <= 1:
            return [work(item) for item in items]
        with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
            return list(pool.map(work, items))


def open_client(settings: LlmSettings, sleep: Callable[[float], None] | None = None) -> ChatClient:
    """A client for `settings` with its answer cache opened (LlmSetupError when it cannot be)."""
    folder = Path(settings.cache_dir) if settings.cache_dir else default_cache_dir()
    try:
        cache = AnswerCache(folder)
    except (OSError, sqlite3.Error) as error:
        raise LlmSetupError(f"cannot open the LLM answer cache in {folder}: {error}") from None
    return ChatClient(settings, cache, sleep or time.sleep)

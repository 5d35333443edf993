"""How sure exception-details-in-response is: a broad or library exception's text is a leak for
sure; the project's own exceptions and `ValueError`/`KeyError` mostly carry a message the project
wrote about the request, so they are reported at medium confidence."""

from __future__ import annotations

from secreview.config import ScanConfig
from secreview.findings import Confidence
from secreview.pipeline import review_source

_VIEWS = (
    "import traceback\n"
    "from fastapi import APIRouter, HTTPException\n"
    "from sqlalchemy.exc import IntegrityError\n"
    "from shop.errors import TooManyItemsError\n"
    "from .service import add, InvalidCoupon\n"
    "router = APIRouter()\n\n"
    "class CartFull(Exception):\n"
    "    pass\n\n"
    "@router.post('/cart')\n"
    "def cart(item: dict):\n"
    "    try:\n"
    "        return add(item)\n"
    "    except (TooManyItemsError, InvalidCoupon) as error:\n"
    "        raise HTTPException(status_code=400, detail=str(error))\n"  # 16
    "    except CartFull as error:\n"
    "        raise HTTPException(status_code=409, detail=str(error))\n"  # 18
    "    except (ValueError, KeyError) as error:\n"
    "        raise HTTPException(status_code=400, detail=str(error))\n"  # 20
    "    except IntegrityError as error:\n"
    "        raise HTTPException(status_code=400, detail=str(error))\n"  # 22
    "    except (TooManyItemsError, OSError) as error:\n"
    "        raise HTTPException(status_code=500, detail=str(error))\n"  # 24
    "    except CartFull:\n"
    "        raise HTTPException(status_code=500, detail=traceback.format_exc())\n"  # 26
    "    except Exception as error:\n"
    "        raise HTTPException(status_code=500, detail=str(error))\n"  # 28
)


def _confidences(module: str) -> dict[int, Confidence]:
    report = review_source(_VIEWS, "shop/views.py", ScanConfig(), module=module)
    assert report.error is None, report.error
    rule = "exception-details-in-response"
    return {f.location.line: f.confidence for f in report.findings if f.rule_id == rule}


def test_the_projects_own_and_value_errors_are_medium_and_the_rest_high() -> None:
    assert _confidences("shop.views") == {
        16: Confidence.MEDIUM,  # the project's package (`shop.errors`) and a relative import
        18: Confidence.MEDIUM,  # a class of this module
        20: Confidence.MEDIUM,  # builtins about a value
        22: Confidence.HIGH,  # a library's error: a database's quotes SQL
        24: Confidence.HIGH,  # OSError quotes server paths
        26: Confidence.HIGH,  # a traceback, whatever was caught
        28: Confidence.HIGH,
    }


def test_without_a_package_only_the_modules_own_classes_are_known_as_the_projects() -> None:
    found = _confidences("")
    assert found[16] == Confidence.HIGH  # `shop.errors` could be anyone's
    assert found[18] == Confidence.MEDIUM

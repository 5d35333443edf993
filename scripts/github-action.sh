#!/usr/bin/env bash
# The GitHub Action's logic (action.yml calls it), kept here so it can be tested as the runner
# runs it: with GitHub's environment variables set, in a temporary repository.
#
#   github-action.sh install   install secreview from the action's own checkout, or from the
#                              pinned source the `source` input names (never from a package
#                              index by name: someone else could publish one under that name)
#   github-action.sh run       review once (JSON) and render every report from that one result:
#                              a pull request's change, or the whole tree on any other event
#                              (push, schedule, workflow_dispatch), which gives code scanning
#                              its baseline analysis
#
# Outputs (to $GITHUB_OUTPUT): mode (review|scan), json, sarif, markdown, status (the exit code
# the verdict step uses), comment (true when the pull request review has something to say)
# and comment-file (the review to POST; the posting step is separate, so this script never
# needs the network or a token).
set -euo pipefail

phase="${1:?usage: github-action.sh install|run}"
python="${PYTHON:-python}"

event_field() {
  # One field of the event payload (a dotted path), or nothing.
  "$python" - "$1" <<'PY'
import json, os, sys
value = json.load(open(os.environ["GITHUB_EVENT_PATH"], encoding="utf-8"))
for key in sys.argv[1].split("."):
    value = value.get(key) if isinstance(value, dict) else None
print(value if isinstance(value, (str, int)) else "")
PY
}

has_something_to_say() {
  # New defects (test-code notes do not count) or files that could not be reviewed.
  "$python" - "$1" <<'PY'
import json, sys
result = json.load(open(sys.argv[1], encoding="utf-8"))
defects = [f for f in result["findings"] if "note" not in f["tags"]]
print("true" if defects or result["errors"] else "false")
PY
}

case "$phase" in
  install)
    source="${SECREVIEW_SOURCE:-}"
    if [ -z "$source" ]; then
      source="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
    fi
    "$python" -m pip install --disable-pip-version-check --quiet "$source"
    ;;
  run)
    out="${RUNNER_TEMP:?RUNNER_TEMP is not set}/secreview"
    mkdir -p "$out"
    json="$out/result.json" sarif="$out/result.sarif" markdown="$out/result.md"
    comment_file="$out/pull-request-review.json"
    fail_on="${FAIL_ON:-high}"
    set +e
    case "${GITHUB_EVENT_NAME:?GITHUB_EVENT_NAME is not set}" in
      pull_request | pull_request_target)
        mode=review
        base="${BASE:-$(event_field pull_request.base.sha)}"
        # The pull request's own head, not the merge commit actions/checkout makes by
        # default: review comments must name a commit of the pull request.
        head="$(event_field pull_request.head.sha)"
        if [ -z "$base" ]; then
          echo "::error::No base revision: the pull request event has none; set the 'base' input."
          exit 2
        fi
        in_project=()
        [ "${PROJECT:-false}" = true ] && in_project=(--project)
        secreview review --base "$base" --head "${head:-HEAD}" --fail-on "$fail_on" \
          "${in_project[@]}" --format json -o "$json" --also-output "sarif=$sarif" \
          --also-output "markdown=$markdown" --also-output "github=$comment_file"
        status=$?
        ;;
      *)
        mode=scan
        secreview scan . --no-progress --fail-on "$fail_on" --format json -o "$json" \
          --also-output "sarif=$sarif" --also-output "markdown=$markdown"
        status=$?
        # A scan is the baseline for code scanning: its findings are alerts there, not a
        # failed job; only an error (exit 2) fails it.
        if [ "$status" -eq 1 ]; then status=0; fi
        ;;
    esac
    set -e
    if [ ! -s "$json" ]; then
      echo "::error::secreview produced no result (exit $status)."
      exit "$status"
    fi
    cat "$markdown" >>"${GITHUB_STEP_SUMMARY:?GITHUB_STEP_SUMMARY is not set}"
    comment=false
    if [ "$mode" = review ]; then
      comment="$(has_something_to_say "$json")"
    fi
    {
      echo "mode=$mode"
      echo "json=$json"
      echo "sarif=$sarif"
      echo "markdown=$markdown"
      echo "status=$status"
      echo "comment=$comment"
      echo "comment-file=$comment_file"
    } >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
    ;;
  *)
    echo "unknown phase: $phase (install or run)" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# The logic of the azrbac GitHub Action (action.yml), one subcommand per step so that the test
# suite can run each on its own (tests/cli/pr_action.rs). Needs bash and jq (both on GitHub's
# runners).
set -euo pipefail

# The hidden line that marks azrbac's sticky comment.
MARKER='<!-- azrbac-role-review -->'

usage() {
  echo "usage: review.sh outputs CODE REPORT_JSON | body COMMENT_MD OUT | find-comment LOGIN < comments.json" >&2
  exit 2
}

case "${1:-}" in
  # Writes the step outputs (to stdout, for >> "$GITHUB_OUTPUT") from azrbac's exit code and its
  # JSON report: whether a role file changed (no comment otherwise) and whether the gate failed.
  outputs)
    [ $# -eq 3 ] || usage
    code=$2
    report=$3
    if [ "$code" -ge 2 ] || [ ! -s "$report" ]; then
      echo "exit-code=$code"
      echo "role-files-changed=false"
      echo "gate-failed=false"
      echo "input-error=true"
      exit 0
    fi
    files=$(jq '(.files | length) + (.changes | length)' "$report")
    echo "exit-code=$code"
    if [ "$files" -gt 0 ]; then echo "role-files-changed=true"; else echo "role-files-changed=false"; fi
    if [ "$(jq -r '.gate.failed' "$report")" = "true" ]; then echo "gate-failed=true"; else echo "gate-failed=false"; fi
    echo "input-error=false"
    ;;
  # Writes the comment body: the marker, then azrbac's Markdown (already under the size cap).
  body)
    [ $# -eq 3 ] || usage
    { echo "$MARKER"; cat "$2"; } > "$3"
    ;;
  # Prints the id of the sticky comment: the first one that carries the marker AND was written
  # by LOGIN (the token's user, github-actions[bot] by default). Another bot's or a person's
  # comment that quotes the marker is never picked. Input: the JSON array the REST API gives for
  # the pull request's issue comments (gh api --paginate --slurp gives an array of pages).
  find-comment)
    [ $# -eq 2 ] || usage
    jq -r --arg marker "$MARKER" --arg login "$2" '
      (if (.[0] | type) == "array" then add else . end) // []
      | map(select(.user.login == $login and (.body // "" | startswith($marker))))
      | (.[0].id // empty)'
    ;;
  *) usage ;;
esac

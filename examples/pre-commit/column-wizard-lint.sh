#!/bin/sh
# Git pre-commit hook: lint the staged migrations (.sql files added or changed); an error finding stops the commit.
# Install: cp examples/pre-commit/column-wizard-lint.sh .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit
# Set the dialect and server version your production runs; COLUMN_WIZARD_PACKAGE may name a tarball made with `npm pack`.
LINT_TARGET=${LINT_TARGET:---dialect postgres --server-version 16}
git diff --cached --name-only --diff-filter=AM -z -- '*.sql' > "${TMPDIR:-/tmp}/column-wizard-staged.$$"
trap 'rm -f "${TMPDIR:-/tmp}/column-wizard-staged.$$"' EXIT
[ -s "${TMPDIR:-/tmp}/column-wizard-staged.$$" ] || exit 0
# shellcheck disable=SC2086 # LINT_TARGET is a list of options
xargs -0 npx --yes --package "${COLUMN_WIZARD_PACKAGE:-column-wizard}" column-wizard lint $LINT_TARGET < "${TMPDIR:-/tmp}/column-wizard-staged.$$"

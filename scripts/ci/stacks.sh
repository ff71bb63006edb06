# Sourced by the pull-request scripts: the stacks at either end of a change, read NUL-safe from git so
# that no file name can split into words or pass for an option. A stack is a file stacks/Pulumi.<name>.yaml
# whose name is letters, digits, _ . - (what Pulumi accepts); any other file under stacks/ is not a stack,
# and `ocdp authorize` judges it as a file that needs an admin.
# usage: stacks_between <base-commit> <head-ref>   -> fills the array STACKS (sorted, unique)
stacks_between() {
  local f name
  local -A seen=()
  STACKS=()
  while IFS= read -r -d '' f; do
    if [[ $f =~ ^stacks/Pulumi\.([A-Za-z0-9_.-]+)\.yaml$ ]]; then
      name=${BASH_REMATCH[1]}
      if [ -z "${seen[$name]:-}" ]; then seen[$name]=1; STACKS+=("$name"); fi
    fi
  done < <(git ls-tree -z --name-only "$1" -- stacks/; git ls-tree -z --name-only "$2" -- stacks/)
  if [ "${#STACKS[@]}" -gt 0 ]; then mapfile -d '' -t STACKS < <(printf '%s\0' "${STACKS[@]}" | sort -z); fi
}

# usage: json_list <item>...   -> the items as a JSON list on stdout (a workflow matrix's input)
json_list() {
  printf '%s\n' "$@" | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean)))'
}

# usage: kubeconfig_secret <stack>   -> the stack (created when missing) holds $KUBECONFIG_DATA as its
# secret ocdp:kubeconfig, given on stdin, never on a command line that `ps` shows; then the variable is
# out of the environment of what runs next. Needs pulumi on PATH and the backend's variables.
kubeconfig_secret() {
  pulumi stack select --create "$1" --non-interactive > /dev/null
  printf '%s' "$KUBECONFIG_DATA" | pulumi config set --secret ocdp:kubeconfig --stack "$1" --non-interactive
  unset KUBECONFIG_DATA
}

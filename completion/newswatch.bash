# bash completion for newswatch(1): the commands, each command's options, and files or values
# for the options that take them. completion/completion_test.sh checks the commands and
# options against `newswatch --help` and `newswatch COMMAND --help`.

_newswatch() {
  local cur prev words cword
  _init_completion || return

  if ((cword == 1)); then
    COMPREPLY=($(compgen -W 'run parse match forget check-config stats report eval
      recluster rematch migrate --help --version' -- "$cur"))
    return
  fi

  if [[ ${words[1]} == report && $prev == --topics ]]; then
    return  # topic names, not packs
  fi
  case $prev in
    --config | --topics)
      _filedir toml
      return
      ;;
    --feeds)
      _filedir '@(opml|xml|toml)'
      return
      ;;
    --items)
      _filedir jsonl
      return
      ;;
    --db | --from)
      _filedir '@(db|sqlite|sqlite3)'
      return
      ;;
    --to)
      return  # a postgresql:// URI
      ;;
    --predictions | --out)
      _filedir
      return
      ;;
    --log-level)
      COMPREPLY=($(compgen -W 'trace debug info warn error' -- "$cur"))
      return
      ;;
    --format)
      COMPREPLY=($(compgen -W 'md json html' -- "$cur"))
      return
      ;;
    --base | --since | --until | --threshold | --stories)
      return  # a URL, days or a duration, a time, a threshold, a count
      ;;
  esac

  local options
  case ${words[1]} in
    run) options='--config --feeds --db --once --log-level' ;;
    parse) options='--base' ;;
    match) options='--topics --explain --jsonl' ;;
    forget) options='--config --db' ;;
    check-config) options='--config' ;;
    stats) options='--config --db' ;;
    report) options='--config --db --since --until --topics --format --stories --out' ;;
    eval) options='--items --topics --threshold --json --predictions --rules' ;;
    recluster) options='--config --db --since' ;;
    rematch) options='--config --db --since --dry-run' ;;
    migrate) options='--from --to' ;;
    *) return ;;
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options --help" -- "$cur"))
  elif [[ ${words[1]} == parse ]]; then
    _filedir  # feed documents, whatever their names
  fi
} &&
  complete -F _newswatch newswatch

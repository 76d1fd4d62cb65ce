# bash completion for newswatch(1): the commands, each command's options, and files or values
# for the options that take them. completion/completion_test.sh checks the commands and
# options against `newswatch --help` and `newswatch COMMAND --help`.

_newswatch() {
  local cur prev words cword
  _init_completion || return

  if ((cword == 1)); then
    COMPREPLY=($(compgen -W 'run parse match forget check-config stats eval recluster
      rematch --help --version' -- "$cur"))
    return
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
    --db)
      _filedir '@(db|sqlite|sqlite3)'
      return
      ;;
    --predictions)
      _filedir
      return
      ;;
    --log-level)
      COMPREPLY=($(compgen -W 'trace debug info warn error' -- "$cur"))
      return
      ;;
    --base | --since | --threshold)
      return  # a URL, a number of days, a threshold
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
    eval) options='--items --topics --threshold --json --predictions --rules' ;;
    recluster) options='--config --db --since' ;;
    rematch) options='--config --db --since --dry-run' ;;
    *) return ;;
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options --help" -- "$cur"))
  elif [[ ${words[1]} == parse ]]; then
    _filedir  # feed documents, whatever their names
  fi
} &&
  complete -F _newswatch newswatch

from podsim.apiserver.server import main

raise SystemExit(main())

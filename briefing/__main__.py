from briefing.entry import main

main()

import Foundation
import PassnumApp

PassnumMain.runTasksOnEventLoops()
exit(await PassnumMain.run())

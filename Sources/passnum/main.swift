import Foundation
import PassnumApp

exit(await PassnumMain.run())

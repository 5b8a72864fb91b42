package app.headsup.keepalive

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import androidx.core.content.ContextCompat

/**
 * After a reboot or an app update, brings the service back if the agent was signed in. Both
 * broadcasts may start a foreground service from the background, and remoteMessaging is not
 * among the types Android 15 forbids to start from BOOT_COMPLETED.
 */
class BootReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val action = intent.action
        if (action != Intent.ACTION_BOOT_COMPLETED && action != Intent.ACTION_MY_PACKAGE_REPLACED) return
        if (!SignedIn.get(context)) return
        ContextCompat.startForegroundService(context, Intent(context, ConnectionService::class.java))
    }
}

package app.headsup.keepalive

import android.app.Activity
import android.content.Intent
import androidx.core.content.ContextCompat
import app.tauri.annotation.Command
import app.tauri.annotation.InvokeArg
import app.tauri.annotation.TauriPlugin
import app.tauri.plugin.Invoke
import app.tauri.plugin.Plugin

/** The argument of `start`, sent by the Rust side (`StartArgs` in ../../../../src/android.rs). */
@InvokeArg
class StartArgs {
    var connected: Boolean = false
}

/**
 * The bridge from the app's Rust side, which decides when the agent is signed in. No command is
 * granted to the webview (the crate's build.rs declares none), so only Rust calls these.
 */
@TauriPlugin
class KeepAlivePlugin(private val activity: Activity) : Plugin(activity) {

    /** Signed in: run the service (or just update its notification) and survive reboots. */
    @Command
    fun start(invoke: Invoke) {
        val args = invoke.parseArgs(StartArgs::class.java)
        val context = activity.applicationContext
        SignedIn.set(context, true)
        ConnectionService.link =
            if (args.connected) ConnectionService.Link.CONNECTED else ConnectionService.Link.RECONNECTING
        if (ConnectionService.running) {
            // Already in the foreground: a second startForegroundService from the background
            // would be refused on Android 12+, and a new notification with the same id is enough.
            ConnectionService.refresh(context)
            invoke.resolve()
            return
        }
        try {
            ContextCompat.startForegroundService(context, Intent(context, ConnectionService::class.java))
            invoke.resolve()
        } catch (e: IllegalStateException) {
            // ForegroundServiceStartNotAllowedException (Android 12+): the app is in the background.
            invoke.reject("the foreground service was not allowed to start: ${e.message}")
        }
    }

    /** Signed out: stop the service and do not bring it back at boot. */
    @Command
    fun stop(invoke: Invoke) {
        val context = activity.applicationContext
        SignedIn.set(context, false)
        ConnectionService.link = null
        context.stopService(Intent(context, ConnectionService::class.java))
        invoke.resolve()
    }
}

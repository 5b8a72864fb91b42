package app.headsup.keepalive

import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.app.Service
import android.content.Context
import android.content.Intent
import android.content.pm.ServiceInfo
import android.os.Build
import android.os.IBinder
import androidx.core.app.NotificationCompat
import androidx.core.app.ServiceCompat

/**
 * A started foreground service that holds nothing itself: while it runs, Android keeps the app's
 * process, where the Rust client keeps the LDS WebSocket, at foreground priority. START_STICKY:
 * if the system kills the process anyway, it recreates the service, which then says that the
 * agent is not connected until the app is opened (the Rust side starts only with the activity).
 */
class ConnectionService : Service() {

    enum class Link { CONNECTED, RECONNECTING }

    companion object {
        private const val NOTIFICATION_ID = 0x4c4453 // "LDS"
        // Low importance: no sound, no banner. A channel's importance is fixed once created, so a
        // change needs a new id (as for incoming-customers-v1).
        private const val CHANNEL_ID = "lds-connection-v1"

        /** What the Rust side last said; null while it has not run in this process. */
        @Volatile
        var link: Link? = null

        @Volatile
        var running = false
            private set

        /** Shows the current [link] in the running service's notification. */
        fun refresh(context: Context) {
            val manager = context.getSystemService(NotificationManager::class.java)
            if (running && manager.areNotificationsEnabled()) {
                manager.notify(NOTIFICATION_ID, notification(context))
            }
        }

        private fun notification(context: Context): Notification {
            val text = when (link) {
                Link.CONNECTED -> R.string.keepalive_connected
                Link.RECONNECTING -> R.string.keepalive_reconnecting
                null -> R.string.keepalive_detached
            }
            val open = context.packageManager.getLaunchIntentForPackage(context.packageName)
            val tap = open?.let {
                PendingIntent.getActivity(context, 0, it, PendingIntent.FLAG_IMMUTABLE)
            }
            return NotificationCompat.Builder(context, CHANNEL_ID)
                .setSmallIcon(context.applicationInfo.icon)
                .setContentTitle(context.getString(text))
                .setContentIntent(tap)
                .setOngoing(true)
                .setShowWhen(false)
                .setPriority(NotificationCompat.PRIORITY_LOW)
                .setCategory(NotificationCompat.CATEGORY_SERVICE)
                .build()
        }
    }

    override fun onCreate() {
        super.onCreate()
        // Channels exist from Android 8 (API 26); before, the builder's priority applies.
        if (Build.VERSION.SDK_INT < 26) return
        val channel = NotificationChannel(
            CHANNEL_ID,
            getString(R.string.keepalive_channel_name),
            NotificationManager.IMPORTANCE_LOW,
        ).apply {
            description = getString(R.string.keepalive_channel_description)
            setShowBadge(false)
        }
        getSystemService(NotificationManager::class.java).createNotificationChannel(channel)
    }

    override fun onStartCommand(intent: Intent?, flags: Int, startId: Int): Int {
        // Foreground first, always: a service started with startForegroundService that stops
        // before calling startForeground crashes the app.
        val type = if (Build.VERSION.SDK_INT >= 34) ServiceInfo.FOREGROUND_SERVICE_TYPE_REMOTE_MESSAGING else 0
        ServiceCompat.startForeground(this, NOTIFICATION_ID, notification(this), type)
        running = true
        if (!SignedIn.get(this)) {
            stopSelf()
            return START_NOT_STICKY
        }
        return START_STICKY
    }

    override fun onDestroy() {
        running = false
        super.onDestroy()
    }

    override fun onBind(intent: Intent?): IBinder? = null
}

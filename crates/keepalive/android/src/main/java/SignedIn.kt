package app.headsup.keepalive

import android.content.Context

/**
 * Whether the agent was signed in when the app last said so. It outlives the process, so a boot
 * or a restart of the service knows whether to come back without asking the Rust side (which is
 * not running then). Not a secret: the session token stays in the Android Keystore.
 */
object SignedIn {
    private const val PREFERENCES = "headsup-keepalive"
    private const val KEY = "signed_in"

    fun get(context: Context): Boolean =
        context.getSharedPreferences(PREFERENCES, Context.MODE_PRIVATE).getBoolean(KEY, false)

    fun set(context: Context, signedIn: Boolean) {
        context.getSharedPreferences(PREFERENCES, Context.MODE_PRIVATE)
            .edit().putBoolean(KEY, signedIn).apply()
    }
}

// The Android half of tauri-plugin-keepalive: an Android library that Tauri adds to the app's
// generated Gradle project (see ../build.rs). Its manifest (service, boot receiver, permissions)
// is merged into the app's by Android's manifest merger: no hand edit of gen/android.
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "app.headsup.keepalive"
    // 34+ for ServiceInfo.FOREGROUND_SERVICE_TYPE_REMOTE_MESSAGING.
    compileSdk = 36

    defaultConfig {
        // Tauri 2's minimum.
        minSdk = 24
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_1_8
        targetCompatibility = JavaVersion.VERSION_1_8
    }
}

kotlin {
    compilerOptions {
        jvmTarget = JvmTarget.JVM_1_8
    }
}

dependencies {
    // 1.12+ for ServiceCompat.startForeground(service, id, notification, type).
    implementation("androidx.core:core-ktx:1.13.1")
    implementation(project(":tauri-android"))
}
